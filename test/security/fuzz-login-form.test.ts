import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, sessions } from '../../server/db/schema.js';
import { fuzzForm, fuzzRuns } from '../helpers/form-fuzz.js';
import { encodedValue, encodeRaw } from '../helpers/hostile-input.js';
import { createOrganiser, TEST_PASSWORD } from '../helpers/organisers.js';
import { rawSitePerFile } from '../helpers/raw-http.js';

const { t, client } = rawSitePerFile({ env: { LOGIN_LIMIT_PER_ACCOUNT: '0', LOGIN_LIMIT_PER_IP: '0', LOGIN_LIMIT_PER_ACCOUNT_ALL_SOURCES: '0' } });
let email: string;
beforeAll(async () => {
  email = (await createOrganiser(t, 'viewer')).email;
});

/** Hostile values in every field; the real email and password often enough that some attempts sign in with a hostile `next`. */
const loginForm = fc.record(
  {
    email: fc.oneof(fc.constant('known'), encodedValue),
    password: fc.oneof(fc.constant('right'), encodedValue),
    next: fc.oneof(encodedValue, fc.constantFrom('/admin/letters', '//evil.example/admin', '/admin/../../etc', '/admin%0d%0aSet-Cookie:x=1', 'https://evil.example', '/admin\\evil', '/admin?x=<script>fz(1)</script>').map(encodeRaw)),
  },
  { requiredKeys: [] },
);

describe('fuzzing the sign-in form', () => {
  it('when any hostile values are posted, then no 5xx, no unescaped reflection, no redirect off the site, and a session only for the right password', { timeout: 30_000 }, async () => {
    const auditsBefore = (await t.ctx.db.select().from(auditEvents)).length;
    await fuzzForm({
      t,
      client,
      fields: loginForm,
      path: () => '/admin/login',
      body: (form) => ({
        email: form.email === 'known' ? encodeURIComponent(email) : form.email,
        password: form.password === 'right' ? encodeURIComponent(TEST_PASSWORD) : form.password,
        next: form.next,
      }),
      statuses: [303, 400, 401, 413, 422],
      // A failed sign-in is audited on purpose; nothing else may change.
      writesWhenRefused: ['audit_events'],
      afterAccepted: async (res, form) => {
        expect([form.email, form.password]).toEqual(['known', 'right']);
        expect(String(res.headers.location)).toMatch(/^\/admin([/?#]|$)/);
        // The session cookie and the device cookie (see device-cookies.ts), nothing else.
        expect([res.headers['set-cookie']].flat().map((line) => String(line).split('=')[0]).sort()).toEqual(['undersigned_device', 'undersigned_session']);
      },
    }, fuzzRuns(200));
    expect((await t.ctx.db.select().from(auditEvents)).length).toBeGreaterThan(auditsBefore);
    expect((await t.ctx.db.select().from(sessions)).length).toBeGreaterThan(0);
  });
});

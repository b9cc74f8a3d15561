import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { organisers } from '../../server/db/schema.js';
import { expectSafePage, fuzzForm, fuzzRuns, mutatedForm, signInRaw, type RawSession } from '../helpers/form-fuzz.js';
import { encodedValue } from '../helpers/hostile-input.js';
import { createOrganiser } from '../helpers/organisers.js';
import { rawSitePerFile } from '../helpers/raw-http.js';

const { t, client } = rawSitePerFile();
let owner: RawSession;
let targets: string[];
beforeAll(async () => {
  owner = await signInRaw(t, client, 'owner');
  // Accounts the role and remove forms may act on; the fuzzing owner is never among them, so it keeps its rights.
  targets = [];
  for (const role of ['viewer', 'moderator', 'owner', 'viewer'] as const) targets.push((await createOrganiser(t, role)).email);
});

let fresh = 0;
const target = fc.oneof({ weight: 2, arbitrary: fc.integer({ min: 0, max: 3 }).map((index) => `target:${index}`) }, { weight: 3, arbitrary: encodedValue });
const role = fc.oneof(fc.constantFrom('viewer', 'moderator', 'owner'), encodedValue);
const FORMS = {
  add: { path: '/admin/organisers', fields: mutatedForm({ email: 'fresh', name: 'New Organiser', role: 'viewer', password: 'a long enough password' }, { role, email: fc.oneof(encodedValue, encodedValue.map((local) => `${local}%40organisers.example`)) }) },
  role: { path: '/admin/organisers/role', fields: mutatedForm({ email: 'target:0', role: 'moderator' }, { email: target, role }) },
  remove: { path: '/admin/organisers/remove', fields: mutatedForm({ email: 'target:0' }, { email: target }) },
} as const;

/** The placeholders in a form made real: a new address, or one of the target accounts. */
function resolve(fields: Record<string, string | undefined>): Record<string, string | undefined> {
  const email = fields.email;
  if (email === 'fresh') return { ...fields, email: `fuzzed-${(fresh += 1)}%40organisers.example` };
  if (email?.startsWith('target')) return { ...fields, email: encodeURIComponent(targets[Number(email.split('%3A')[1] ?? email.split(':')[1])] ?? '') };
  return fields;
}

describe('fuzzing the organiser management forms', () => {
  it.each(Object.entries(FORMS))('when any hostile values are posted to the %s form, then no 5xx, no unescaped reflection, and nothing stored on a refusal', { timeout: 30_000 }, async (_name, form) => {
    await fuzzForm({
      t,
      client,
      session: owner,
      fields: form.fields,
      path: () => form.path,
      body: resolve,
      statuses: [303, 400, 404, 409, 413, 422],
      afterAccepted: async (res) => {
        expect(res.headers.location).toBe('/admin/organisers');
        await expectSafePage(client, owner, '/admin/organisers');
        await expectSafePage(client, owner, '/admin/audit');
      },
    }, fuzzRuns(60));
    // The fuzzing owner is still there and still an owner.
    expect((await client.send('GET', '/admin/organisers', { headers: { cookie: owner.cookie } })).status).toBe(200);
    expect((await t.ctx.db.select().from(organisers)).length).toBeGreaterThan(1);
  });
});

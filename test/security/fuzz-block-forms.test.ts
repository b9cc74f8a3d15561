import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { blockRules } from '../../server/db/schema.js';
import type { LetterRow } from '../../server/letters/table.js';
import { buildLetter, buildSignature } from '../helpers/factories.js';
import { expectSafePage, fuzzForm, fuzzRuns, mutatedForm, signInRaw, type RawSession } from '../helpers/form-fuzz.js';
import { encodedValue, encodeRaw } from '../helpers/hostile-input.js';
import { rawSitePerFile } from '../helpers/raw-http.js';

const { t, client } = rawSitePerFile();
let moderator: RawSession;
let letter: LetterRow;
beforeAll(async () => {
  moderator = await signInRaw(t, client, 'moderator');
  letter = await buildLetter(t.ctx);
  for (let i = 0; i < 20; i += 1) {
    await buildSignature(t.ctx, letter, { state: i % 3 === 0 ? 'unconfirmed' : 'approved', ipNetwork: `203.0.${i}.0/24`, email: `s${i}@d${i % 4}.example`, emailDomain: `d${i % 4}.example` });
  }
});

/** Values that are nearly right: where a lax check would let something odd through. */
const NEAR_MISSES = ['203.0.113.0/24 ', '203.0.113.0/024', '203.0.113.0/8/8', '::ffff:203.0.113.0/104', '2001:db8::/15', '0.0.0.0/8', '255.255.255.255', '1.2.3', '1.2.3.4.5/24', 'fe80::1%25eth0/64',
  'd1.example', '.d1.example', 'd1.example.', '*.d1.example', 'xn--bcher-kva.example', 'bücher.example', 'd1.example/../x', `${'a'.repeat(64)}.example`, 'a'.repeat(64), 'A'.repeat(64), `${'f'.repeat(63)}g`];
const blockValue = fc.oneof(encodedValue, fc.constantFrom(...NEAR_MISSES).map(encodeRaw));
const blockFields = mutatedForm({ kind: 'cidr', value: '198.51.100.0/24' }, { kind: fc.oneof(fc.constantFrom('ip_hash', 'cidr', 'email_domain'), encodedValue), value: blockValue });
const scope = fc.constantFrom('/admin/blocks', 'letter');
const baseOf = (where: string): string => (where === 'letter' ? `/admin/letters/${letter.slug}/blocks` : where);

describe('fuzzing the block forms', () => {
  it('when any hostile values are previewed, then no 5xx, no unescaped reflection, and nothing is stored', { timeout: 30_000 }, async () => {
    await fuzzForm({ t, client, session: moderator, fields: fc.record({ scope, fields: blockFields }), path: (form) => `${baseOf(form.scope)}/preview`, body: (form) => form.fields, statuses: [200, 400, 413, 422] }, fuzzRuns(100));
  });

  it('when any hostile values are applied, then no 5xx, no unescaped reflection in the answer or the list of rules, and a rule only for a valid value', { timeout: 30_000 }, async () => {
    await fuzzForm({
      t,
      client,
      session: moderator,
      fields: fc.record({ scope, fields: blockFields }),
      path: (form) => baseOf(form.scope),
      body: (form) => form.fields,
      statuses: [303, 400, 413, 422],
      afterAccepted: async (res, form) => {
        expect(String(res.headers.location)).toMatch(new RegExp(`^${baseOf(form.scope)}\\?rejected=\\d+&blocked=\\d+$`));
        await expectSafePage(client, moderator, String(res.headers.location));
        await expectSafePage(client, moderator, '/admin/blocks');
      },
    }, fuzzRuns(100));
    expect((await t.ctx.db.select().from(blockRules)).length).toBeGreaterThan(0);
  });

  it('when hostile rule ids are posted to remove, then 404 or 400 and no rule goes', { timeout: 30_000 }, async () => {
    const ruleIds = fc.oneof(encodedValue, fc.constantFrom('0', '-1', '1.0', '1e2', '0x1', '99999999999999999999', '1%00', '..%2F1').map(encodeRaw));
    await fuzzForm({ t, client, session: moderator, fields: fc.record({ scope, id: ruleIds }), path: (form) => `${baseOf(form.scope)}/${form.id}/remove`, body: () => ({}), statuses: [400, 404] }, fuzzRuns(60));
  });
});

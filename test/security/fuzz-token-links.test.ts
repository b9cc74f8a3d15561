import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { outbox, signatures } from '../../server/db/schema.js';
import { buildLetter, postSignature, signForm, tokenFromOutbox } from '../helpers/factories.js';
import { BROKEN_ESCAPES, encodedValue, encodeRaw, hostileText, reflectsMarkup } from '../helpers/hostile-input.js';
import { rawSitePerFile } from '../helpers/raw-http.js';
import { integrityCheck } from '../helpers/database.js';

const { t, client } = rawSitePerFile();
let tokens: { confirm: string; withdraw: string };
beforeAll(async () => {
  const letter = await buildLetter(t.ctx);
  await postSignature(t.app, letter.slug, signForm({ email: 'unconfirmed@example.org' })).expect(303);
  const unconfirmed = await tokenFromOutbox(t.ctx, 'unconfirmed@example.org', 'confirm');
  await postSignature(t.app, letter.slug, signForm({ email: 'confirmed@example.org' })).expect(303);
  const confirm = await tokenFromOutbox(t.ctx, 'confirmed@example.org', 'confirm');
  await request(t.app).post(`/signatures/confirm/${confirm}`).expect(200);
  tokens = { confirm: unconfirmed, withdraw: await tokenFromOutbox(t.ctx, 'confirmed@example.org', 'withdraw') };
});

/** Everything the token routes could change. */
const snapshot = async () => ({
  signatures: await t.ctx.db.select({ id: signatures.id, state: signatures.state, name: signatures.name }).from(signatures),
  mails: (await t.ctx.db.select().from(outbox)).length,
});

/** A path segment where a token goes: hostile text, near-misses of real tokens, broken escapes, traversal. */
const segment = fc.oneof(
  encodedValue,
  fc.constantFrom('..%2F..%2Fpackage.json', '%2e%2e%2f', '..', '.', '%00', ...BROKEN_ESCAPES),
  fc.tuple(fc.constantFrom('confirm', 'withdraw') as fc.Arbitrary<'confirm' | 'withdraw'>, hostileText, fc.boolean()).map(([purpose, noise, before]) => {
    const token = tokens[purpose];
    return encodeRaw(before ? `${noise}${token}` : `${token}${noise}`);
  }),
  fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), minLength: 43, maxLength: 43 }),
);

describe('fuzzing confirm and withdraw links', () => {
  it('when any path segment is tried as a token, by GET or POST with any body, then the answer is 4xx, nothing changes and nothing is reflected as markup', { timeout: 60_000 }, async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(segment, fc.constantFrom('confirm', 'withdraw'), fc.constantFrom('GET', 'POST'), encodedValue, async (token, route, method, body) => {
        fc.pre(token !== tokens.confirm && token !== tokens.withdraw && token !== '');
        const res = await client.send(method, `/signatures/${route}/${token}`, method === 'POST' ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `x=${body}` } : {});
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(reflectsMarkup(res.body)).toBe(false);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
    expect(await snapshot()).toEqual(before);
    expect(await integrityCheck(t)).toBe('ok');
  });

  it('when the real tokens are used after all that, then they still work (the fuzzing was not refused wholesale)', async () => {
    expect((await client.send('POST', `/signatures/confirm/${tokens.confirm}`)).status).toBe(200);
    expect((await client.send('POST', `/signatures/withdraw/${tokens.withdraw}`)).status).toBe(200);
  });
});

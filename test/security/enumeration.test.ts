import { afterEach, describe, expect, it } from 'vitest';
import { applyBlock } from '../../server/abuse/block-rules.js';
import type { LetterRow } from '../../server/letters/table.js';
import { buildTestApp, testEngine, type TestApp } from '../helpers/app.js';
import { buildLetter, buildSignature, outboxFor, postSignature, signForm } from '../helpers/factories.js';
import { observable } from '../helpers/responses.js';

let t: TestApp;
afterEach(() => t.close());

/** One address per history a signer can have on a letter. */
async function addressesWithEveryHistory(letter: LetterRow): Promise<Record<string, string>> {
  const states = ['unconfirmed', 'pending', 'approved', 'rejected', 'withdrawn'] as const;
  const addresses: Record<string, string> = { new: 'new@example.org' };
  for (const state of states) addresses[state] = (await buildSignature(t.ctx, letter, { state, email: `${state}@example.org` })).email;
  addresses['out of mail allowance'] = (await buildSignature(t.ctx, letter, { state: 'pending', email: 'capped@example.org', mailsSent: 5 })).email;
  addresses['blocked domain'] = 'someone@blocked.example';
  await applyBlock(t.ctx, { letterId: letter.id, kind: 'email_domain', value: 'blocked.example', actor: { kind: 'system', label: 'test' } });
  return addresses;
}

describe('whether an address has signed', () => {
  it('when the same form is sent with a new, unconfirmed, confirmed, rejected, withdrawn, mail-capped or blocked address, then the answers are identical but for Date', async () => {
    t = await buildTestApp();
    const letter = await buildLetter(t.ctx);
    const fields = signForm();
    const answers = new Map<string, ReturnType<typeof observable>>();
    for (const [history, email] of Object.entries(await addressesWithEveryHistory(letter))) {
      answers.set(history, observable(await postSignature(t.app, letter.slug, { ...fields, email })));
    }
    const reference = answers.get('new');
    expect(reference?.status).toBe(303);
    for (const [history, answer] of answers) expect(answer, history).toEqual(reference);
    // The difference is only in the mail: a new address gets a confirmation, a rejected one nothing.
    expect(await outboxFor(t.ctx, 'new@example.org')).toHaveLength(1);
    expect(await outboxFor(t.ctx, 'rejected@example.org')).toHaveLength(0);
  });
});

describe('how long the answer takes', () => {
  // Above the slowest signing path on a loaded two-core machine: a PostgreSQL write takes a few round trips more.
  const FLOOR_MS = testEngine() === 'postgres' ? 120 : 40;

  async function timedSign(slug: string, email: string): Promise<number> {
    const started = performance.now();
    const res = await postSignature(t.app, slug, signForm({ email }));
    expect(res.status).toBe(303);
    return performance.now() - started;
  }

  const median = (values: number[]): number => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = sorted.length / 2;
    return Number.isInteger(middle) ? ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2 : (sorted[Math.floor(middle)] ?? 0);
  };
  const interquartileRange = (values: number[]): number => {
    const sorted = [...values].sort((a, b) => a - b);
    return (sorted[Math.floor(sorted.length * 0.75)] ?? 0) - (sorted[Math.floor(sorted.length * 0.25)] ?? 0);
  };

  it('when SIGN_RESPONSE_MS is set, then no accepted form is answered sooner, whatever the address', async () => {
    t = await buildTestApp({ env: { SIGN_RESPONSE_MS: String(FLOOR_MS) } });
    const letter = await buildLetter(t.ctx);
    for (const email of Object.values(await addressesWithEveryHistory(letter))) {
      expect(await timedSign(letter.slug, email)).toBeGreaterThanOrEqual(FLOOR_MS);
    }
  });

  it('when known and unknown addresses alternate, then the median times differ by far less than their spread', { timeout: 60_000 }, async () => {
    // A rejected address is the extreme: nothing is written or mailed, where a new one is inserted and mailed.
    t = await buildTestApp({ env: { SIGN_RESPONSE_MS: String(FLOOR_MS) } });
    const letter = await buildLetter(t.ctx);
    const known = (await buildSignature(t.ctx, letter, { state: 'rejected', email: 'known@example.org' })).email;
    for (let i = 0; i < 5; i += 1) await timedSign(letter.slug, `warm-up-${i}@example.org`);
    const knownTimes: number[] = [];
    const unknownTimes: number[] = [];
    for (let i = 0; i < 40; i += 1) {
      knownTimes.push(await timedSign(letter.slug, known));
      unknownTimes.push(await timedSign(letter.slug, `unknown-${i}@example.org`));
    }
    const difference = Math.abs(median(knownTimes) - median(unknownTimes));
    // Noise on a shared machine hits both groups alike, so allow their pooled spread plus 2 ms;
    // never more than half the floor, however noisy the run. (Without the floor the medians
    // differ by the cost of writing and mailing a new signature, 1.5 to 6 ms here.)
    const bound = Math.min(FLOOR_MS / 2, 2 + interquartileRange([...knownTimes, ...unknownTimes]));
    expect(difference).toBeLessThan(bound);
  });
});

import { first } from '../../server/db/database.js';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, outbox, signatures, signatureTokens } from '../../server/db/schema.js';
import { enqueueMail } from '../../server/mail/outbox.js';
import { runPrivacyJobs } from '../../server/privacy/run-privacy-jobs.js';
import type { SignatureRow } from '../../server/signatures/table.js';
import { issueToken } from '../../server/signatures/tokens.js';
import { appPerTest } from '../helpers/app.js';
import { buildLetter, buildSignature, reloadLetter } from '../helpers/factories.js';

const t = appPerTest();

const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (days: number): Date => new Date(t.clock.now().getTime() - days * DAY);

/** A queued mail and a live token for a signature, as signing leaves them. */
async function withMailAndToken(signature: SignatureRow): Promise<SignatureRow> {
  await t.ctx.db.write(async (tx) => {
    await issueToken(tx, signature.id, 'confirm', 7, signature.signedAt);
    await enqueueMail(tx, { kind: 'confirm-signature', to: signature.email, content: { letterTitle: 'L', name: signature.name, confirmUrl: 'u', letterUrl: 'u', expiresDays: 7 }, signatureId: signature.id }, t.clock.now(), 'example.org');
  });
  return signature;
}

const ids = (rows: Array<{ id: number }>) => rows.map((row) => row.id).sort((a, b) => a - b);
const tableSnapshot = async () => ({
  signatures: await t.ctx.db.select().from(signatures),
  tokens: await t.ctx.db.select().from(signatureTokens),
  outbox: await t.ctx.db.select().from(outbox),
});

describe('retention of unconfirmed signatures', () => {
  it('when an unconfirmed signature is 30 days old or more, then it is deleted with its links and mail; younger ones and confirmed ones stay', async () => {
    const letter = await buildLetter(t.ctx);
    const day29 = await withMailAndToken(await buildSignature(t.ctx, letter, { signedAt: new Date(daysAgo(30).getTime() + 1) }));
    const day30 = await withMailAndToken(await buildSignature(t.ctx, letter, { signedAt: daysAgo(30) }));
    const day31 = await withMailAndToken(await buildSignature(t.ctx, letter, { signedAt: daysAgo(31) }));
    const confirmedOld = await withMailAndToken(await buildSignature(t.ctx, letter, { state: 'approved', signedAt: daysAgo(400) }));
    const withdrawnOld = await buildSignature(t.ctx, letter, { state: 'withdrawn', signedAt: daysAgo(400) });
    const rejectedOld = await buildSignature(t.ctx, letter, { state: 'rejected', signedAt: daysAgo(400) });
    await t.ctx.db.write(async (tx) => (await tx.update(outbox).set({ state: 'sent' }).where(eq(outbox.signatureId, day31.id))));
    expect(await reloadLetter(t.ctx, letter.slug)).toMatchObject({ countUnconfirmed: 3, countApproved: 1 });

    const summary = await runPrivacyJobs(t.ctx);

    expect(summary).toMatchObject({ unconfirmedDeleted: 2, mailsDeleted: 2 });
    const after = await tableSnapshot();
    expect(ids(after.signatures)).toEqual(ids([day29, confirmedOld, withdrawnOld, rejectedOld]));
    expect(after.tokens.map((token) => token.signatureId).sort()).toEqual([day29.id, confirmedOld.id].sort());
    expect(after.outbox.map((mail) => mail.signatureId).sort()).toEqual([day29.id, confirmedOld.id].sort());
    expect(await reloadLetter(t.ctx, letter.slug)).toMatchObject({ countUnconfirmed: 1, countApproved: 1, countWithdrawn: 1, countRejected: 1 });
    expect(ids(after.signatures)).not.toContain(day30.id);
  });

  it('when the clock moves a day at a time, then a signature goes on day 30 and not before', async () => {
    const letter = await buildLetter(t.ctx);
    const signature = await buildSignature(t.ctx, letter);
    const survivesUntil: number[] = [];
    for (let day = 1; day <= 31; day += 1) {
      t.clock.advanceDays(1);
      await runPrivacyJobs(t.ctx);
      if ((await first(t.ctx.db.select().from(signatures).where(eq(signatures.id, signature.id))))) survivesUntil.push(day);
    }
    expect(survivesUntil.at(-1)).toBe(29);
  });

  it('when UNCONFIRMED_RETENTION_DAYS is set, then that is the period', async () => {
    await t.rebuild({ env: { UNCONFIRMED_RETENTION_DAYS: '10' } });
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { signedAt: daysAgo(9) });
    await buildSignature(t.ctx, letter, { signedAt: daysAgo(10) });
    expect((await runPrivacyJobs(t.ctx)).unconfirmedDeleted).toBe(1);
  });
});

describe('retention of address hashes', () => {
  it('when a signature is 90 days old or more, then its address hash and network are dropped and nothing else changes', async () => {
    const letter = await buildLetter(t.ctx);
    const address = { ipHash: 'h'.repeat(64), ipNetwork: '192.0.2.0/24' };
    const day89 = await buildSignature(t.ctx, letter, { state: 'approved', signedAt: new Date(daysAgo(90).getTime() + 1), ...address });
    const day90 = await buildSignature(t.ctx, letter, { state: 'approved', signedAt: daysAgo(90), ...address });
    const day91 = await buildSignature(t.ctx, letter, { state: 'pending', signedAt: daysAgo(91), ...address });

    expect((await runPrivacyJobs(t.ctx)).addressesForgotten).toBe(2);

    const byId = new Map((await t.ctx.db.select().from(signatures)).map((row) => [row.id, row]));
    expect(byId.get(day89.id)).toMatchObject(address);
    expect(byId.get(day90.id)).toEqual({ ...day90, ipHash: null, ipNetwork: null });
    expect(byId.get(day91.id)).toEqual({ ...day91, ipHash: null, ipNetwork: null });
  });
});

describe('the privacy job runner', () => {
  it('when run twice, then the second run finds nothing, changes nothing and records nothing', async () => {
    const letter = await buildLetter(t.ctx);
    await withMailAndToken(await buildSignature(t.ctx, letter, { signedAt: daysAgo(45) }));
    await buildSignature(t.ctx, letter, { state: 'approved', signedAt: daysAgo(120), ipHash: 'x', ipNetwork: '198.51.100.0/24' });
    await buildSignature(t.ctx, letter, { signedAt: daysAgo(3) });

    const first = await runPrivacyJobs(t.ctx);
    const afterFirst = await tableSnapshot();
    const second = await runPrivacyJobs(t.ctx);

    expect(first).toEqual({ unconfirmedDeleted: 1, unconfirmedWithdrawn: 0, unconfirmedEndorsementsDeleted: 0, mailsDeleted: 1, addressesForgotten: 1, blockRulesForgotten: 0 });
    expect(second).toEqual({ unconfirmedDeleted: 0, unconfirmedWithdrawn: 0, unconfirmedEndorsementsDeleted: 0, mailsDeleted: 0, addressesForgotten: 0, blockRulesForgotten: 0 });
    expect(await tableSnapshot()).toEqual(afterFirst);
    const events = await t.ctx.db.select().from(auditEvents);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: 'system',
      organiserId: null,
      action: 'privacy.retention',
      details: { unconfirmedDeleted: 1, unconfirmedWithdrawn: 0, unconfirmedEndorsementsDeleted: 0, mailsDeleted: 1, addressesForgotten: 1, blockRulesForgotten: 0, unconfirmedCutoff: daysAgo(30).toISOString(), addressCutoff: daysAgo(90).toISOString() },
    });
  });

  it('when there is nothing to do, then nothing is deleted', async () => {
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter);
    await buildSignature(t.ctx, letter, { state: 'approved', ipHash: 'x', ipNetwork: 'n' });
    const before = await tableSnapshot();
    expect(await runPrivacyJobs(t.ctx)).toEqual({ unconfirmedDeleted: 0, unconfirmedWithdrawn: 0, unconfirmedEndorsementsDeleted: 0, mailsDeleted: 0, addressesForgotten: 0, blockRulesForgotten: 0 });
    expect(await tableSnapshot()).toEqual(before);
  });
});

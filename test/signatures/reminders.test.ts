import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { letters } from '../../server/db/schema.js';
import { sendDueReminders } from '../../server/signatures/remind-signers.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildLetter, buildSignature, outboxFor, postSignature, reloadLetter, signatureByEmail, signForm, tokenFromOutbox } from '../helpers/factories.js';

let t: TestApp;
afterEach(() => t.close());

const HOUR = 60 * 60 * 1000;
const kindsTo = async (email: string) => (await outboxFor(t.ctx, email)).map((mail) => mail.kind);

describe('reminders to confirm', () => {
  it('when a backlog is sent in slices, then each slice sends at most its limit and together they send each reminder once', async () => {
    t = await buildTestApp();
    const letter = await buildLetter(t.ctx);
    for (const email of ['a@example.org', 'b@example.org', 'c@example.org']) await postSignature(t.app, letter.slug, signForm({ email })).expect(303);
    t.clock.advance(48 * HOUR);
    expect([await sendDueReminders(t.ctx, 2), await sendDueReminders(t.ctx, 2), await sendDueReminders(t.ctx, 2)]).toEqual([2, 1, 0]);
    for (const email of ['a@example.org', 'b@example.org', 'c@example.org']) expect(await kindsTo(email)).toEqual(['confirm-signature', 'confirm-reminder']);
  });

  it('when 48 hours pass without confirming, then exactly one reminder with a working link is sent, and never another', async () => {
    t = await buildTestApp();
    const letter = await buildLetter(t.ctx);
    await postSignature(t.app, letter.slug, signForm({ email: 'late@example.org' })).expect(303);
    t.clock.advance(48 * HOUR - 1);
    expect(await sendDueReminders(t.ctx)).toBe(0);
    t.clock.advance(1);
    expect(await sendDueReminders(t.ctx)).toBe(1);
    expect(await sendDueReminders(t.ctx)).toBe(0);
    const remindedAt = t.clock.now();
    t.clock.advanceDays(6);
    expect(await sendDueReminders(t.ctx)).toBe(0);
    expect(await kindsTo('late@example.org')).toEqual(['confirm-signature', 'confirm-reminder']);
    const reminder = (await outboxFor(t.ctx, 'late@example.org'))[1];
    expect(reminder?.subject).toBe(`Reminder: confirm your signature on ${letter.title}`);
    expect(reminder?.htmlBody).toContain('/signatures/confirm/');
    expect((await signatureByEmail(t.ctx, 'late@example.org'))?.reminderSentAt).toEqual(remindedAt);

    // The first link has expired by now (7 days); the reminder's own link still works.
    const token = await tokenFromOutbox(t.ctx, 'late@example.org', 'confirm');
    await request(t.app).post(`/signatures/confirm/${token}`).expect(200);
    expect((await reloadLetter(t.ctx, letter.slug)).countPending).toBe(1);
  });

  it('when the signer confirmed in time, then no reminder', async () => {
    t = await buildTestApp();
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { state: 'pending', email: 'prompt@example.org' });
    t.clock.advanceDays(3);
    expect(await sendDueReminders(t.ctx)).toBe(0);
    expect(await outboxFor(t.ctx)).toEqual([]);
  });

  it('when the letter has closed, or closes before the reminder is due, then no reminder', async () => {
    t = await buildTestApp();
    const closedByHand = await buildLetter(t.ctx);
    const closingSoon = await buildLetter(t.ctx, { closesAt: new Date(t.clock.now().getTime() + 24 * HOUR) });
    await buildSignature(t.ctx, closedByHand, { email: 'a@example.org' });
    await buildSignature(t.ctx, closingSoon, { email: 'b@example.org' });
    await t.ctx.db.write(async (tx) => (await tx.update(letters).set({ status: 'closed' }).where(eq(letters.id, closedByHand.id))));
    t.clock.advance(48 * HOUR);
    expect(await sendDueReminders(t.ctx)).toBe(0);
    expect(await outboxFor(t.ctx)).toEqual([]);
  });

  it('when the organisers turned reminders off for the letter, then no reminder there, but still on other letters', async () => {
    t = await buildTestApp();
    const quiet = await buildLetter(t.ctx);
    const normal = await buildLetter(t.ctx);
    await t.ctx.db.write(async (tx) => (await tx.update(letters).set({ remindersEnabled: false }).where(eq(letters.id, quiet.id))));
    await buildSignature(t.ctx, quiet, { email: 'quiet@example.org' });
    await buildSignature(t.ctx, normal, { email: 'normal@example.org' });
    t.clock.advance(48 * HOUR);
    expect(await sendDueReminders(t.ctx)).toBe(1);
    expect((await outboxFor(t.ctx)).map((mail) => mail.toAddress)).toEqual(['normal@example.org']);
  });

  it('when the signature has used up its mails, then no reminder; one short of the cap, the reminder is the last mail', async () => {
    t = await buildTestApp();
    const letter = await buildLetter(t.ctx);
    const max = t.config.maxMailsPerSignature;
    await buildSignature(t.ctx, letter, { email: 'capped@example.org', mailsSent: max });
    await buildSignature(t.ctx, letter, { email: 'almost@example.org', mailsSent: max - 1 });
    t.clock.advance(48 * HOUR);
    expect(await sendDueReminders(t.ctx)).toBe(1);
    expect(await kindsTo('capped@example.org')).toEqual([]);
    expect(await kindsTo('almost@example.org')).toEqual(['confirm-reminder']);
    expect((await signatureByEmail(t.ctx, 'almost@example.org'))?.mailsSent).toBe(max);
  });

  it('when REMINDER_HOURS is 0, then reminders are off; when it is 2, then they come after 2 hours', async () => {
    t = await buildTestApp({ env: { REMINDER_HOURS: '0' } });
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter);
    t.clock.advanceDays(5);
    expect(await sendDueReminders(t.ctx)).toBe(0);
    await t.close();

    t = await buildTestApp({ env: { REMINDER_HOURS: '2' } });
    const other = await buildLetter(t.ctx);
    await buildSignature(t.ctx, other);
    t.clock.advance(2 * HOUR);
    expect(await sendDueReminders(t.ctx)).toBe(1);
  });

  it('when many signers are due at once, then each gets one reminder across batches', async () => {
    t = await buildTestApp();
    const letter = await buildLetter(t.ctx);
    for (let i = 0; i < 450; i += 1) await buildSignature(t.ctx, letter, { email: `bulk${i}@example.org` });
    t.clock.advance(48 * HOUR);
    expect(await sendDueReminders(t.ctx)).toBe(450);
    expect(await sendDueReminders(t.ctx)).toBe(0);
    expect(new Set((await outboxFor(t.ctx)).map((mail) => mail.toAddress)).size).toBe(450);
  });
});

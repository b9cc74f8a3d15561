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
const kindsTo = (email: string) => outboxFor(t.ctx, email).map((mail) => mail.kind);

describe('reminders to confirm', () => {
  it('when a backlog is sent in slices, then each slice sends at most its limit and together they send each reminder once', async () => {
    t = buildTestApp();
    const letter = buildLetter(t.ctx);
    for (const email of ['a@example.org', 'b@example.org', 'c@example.org']) await postSignature(t.app, letter.slug, signForm({ email })).expect(303);
    t.clock.advance(48 * HOUR);
    expect([sendDueReminders(t.ctx, 2), sendDueReminders(t.ctx, 2), sendDueReminders(t.ctx, 2)]).toEqual([2, 1, 0]);
    for (const email of ['a@example.org', 'b@example.org', 'c@example.org']) expect(kindsTo(email)).toEqual(['confirm-signature', 'confirm-reminder']);
  });

  it('when 48 hours pass without confirming, then exactly one reminder with a working link is sent, and never another', async () => {
    t = buildTestApp();
    const letter = buildLetter(t.ctx);
    await postSignature(t.app, letter.slug, signForm({ email: 'late@example.org' })).expect(303);
    t.clock.advance(48 * HOUR - 1);
    expect(sendDueReminders(t.ctx)).toBe(0);
    t.clock.advance(1);
    expect(sendDueReminders(t.ctx)).toBe(1);
    expect(sendDueReminders(t.ctx)).toBe(0);
    const remindedAt = t.clock.now();
    t.clock.advanceDays(6);
    expect(sendDueReminders(t.ctx)).toBe(0);
    expect(kindsTo('late@example.org')).toEqual(['confirm-signature', 'confirm-reminder']);
    const reminder = outboxFor(t.ctx, 'late@example.org')[1];
    expect(reminder?.subject).toBe(`Reminder: confirm your signature on ${letter.title}`);
    expect(reminder?.htmlBody).toContain('/signatures/confirm/');
    expect(signatureByEmail(t.ctx, 'late@example.org')?.reminderSentAt).toEqual(remindedAt);

    // The first link has expired by now (7 days); the reminder's own link still works.
    const token = tokenFromOutbox(t.ctx, 'late@example.org', 'confirm');
    await request(t.app).post(`/signatures/confirm/${token}`).expect(200);
    expect(reloadLetter(t.ctx, letter.slug).countPending).toBe(1);
  });

  it('when the signer confirmed in time, then no reminder', () => {
    t = buildTestApp();
    const letter = buildLetter(t.ctx);
    buildSignature(t.ctx, letter, { state: 'pending', email: 'prompt@example.org' });
    t.clock.advanceDays(3);
    expect(sendDueReminders(t.ctx)).toBe(0);
    expect(outboxFor(t.ctx)).toEqual([]);
  });

  it('when the letter has closed, or closes before the reminder is due, then no reminder', () => {
    t = buildTestApp();
    const closedByHand = buildLetter(t.ctx);
    const closingSoon = buildLetter(t.ctx, { closesAt: new Date(t.clock.now().getTime() + 24 * HOUR) });
    buildSignature(t.ctx, closedByHand, { email: 'a@example.org' });
    buildSignature(t.ctx, closingSoon, { email: 'b@example.org' });
    t.ctx.db.update(letters).set({ status: 'closed' }).where(eq(letters.id, closedByHand.id)).run();
    t.clock.advance(48 * HOUR);
    expect(sendDueReminders(t.ctx)).toBe(0);
    expect(outboxFor(t.ctx)).toEqual([]);
  });

  it('when the organisers turned reminders off for the letter, then no reminder there, but still on other letters', () => {
    t = buildTestApp();
    const quiet = buildLetter(t.ctx);
    const normal = buildLetter(t.ctx);
    t.ctx.db.update(letters).set({ remindersEnabled: false }).where(eq(letters.id, quiet.id)).run();
    buildSignature(t.ctx, quiet, { email: 'quiet@example.org' });
    buildSignature(t.ctx, normal, { email: 'normal@example.org' });
    t.clock.advance(48 * HOUR);
    expect(sendDueReminders(t.ctx)).toBe(1);
    expect(outboxFor(t.ctx).map((mail) => mail.toAddress)).toEqual(['normal@example.org']);
  });

  it('when the signature has used up its mails, then no reminder; one short of the cap, the reminder is the last mail', () => {
    t = buildTestApp();
    const letter = buildLetter(t.ctx);
    const max = t.config.maxMailsPerSignature;
    buildSignature(t.ctx, letter, { email: 'capped@example.org', mailsSent: max });
    buildSignature(t.ctx, letter, { email: 'almost@example.org', mailsSent: max - 1 });
    t.clock.advance(48 * HOUR);
    expect(sendDueReminders(t.ctx)).toBe(1);
    expect(kindsTo('capped@example.org')).toEqual([]);
    expect(kindsTo('almost@example.org')).toEqual(['confirm-reminder']);
    expect(signatureByEmail(t.ctx, 'almost@example.org')?.mailsSent).toBe(max);
  });

  it('when REMINDER_HOURS is 0, then reminders are off; when it is 2, then they come after 2 hours', async () => {
    t = buildTestApp({ env: { REMINDER_HOURS: '0' } });
    const letter = buildLetter(t.ctx);
    buildSignature(t.ctx, letter);
    t.clock.advanceDays(5);
    expect(sendDueReminders(t.ctx)).toBe(0);
    await t.close();

    t = buildTestApp({ env: { REMINDER_HOURS: '2' } });
    const other = buildLetter(t.ctx);
    buildSignature(t.ctx, other);
    t.clock.advance(2 * HOUR);
    expect(sendDueReminders(t.ctx)).toBe(1);
  });

  it('when many signers are due at once, then each gets one reminder across batches', () => {
    t = buildTestApp();
    const letter = buildLetter(t.ctx);
    for (let i = 0; i < 450; i += 1) buildSignature(t.ctx, letter, { email: `bulk${i}@example.org` });
    t.clock.advance(48 * HOUR);
    expect(sendDueReminders(t.ctx)).toBe(450);
    expect(sendDueReminders(t.ctx)).toBe(0);
    expect(new Set(outboxFor(t.ctx).map((mail) => mail.toAddress)).size).toBe(450);
  });
});

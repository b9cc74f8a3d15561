import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { runPrivacyJobs } from '../../server/privacy/run-privacy-jobs.js';
import { sendDueReminders } from '../../server/signatures/remind-signers.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildLetter, postSignature, signatureByEmail, signForm, tokenFromOutbox } from '../helpers/factories.js';

let t: TestApp;
afterEach(() => t.close());

/** The shortest retention the configuration allows: unconfirmed signatures last as long as one confirm link. */
const shortRetention = async () => {
  t = await buildTestApp({ env: { UNCONFIRMED_RETENTION_DAYS: '7', CONFIRM_TOKEN_DAYS: '7', REMINDER_HOURS: '48' } });
};

describe('retention and the links in people’s inboxes', () => {
  it('when a reminder mailed a fresh link, then retention keeps the signature until that link expires, and the link confirms it', async () => {
    await shortRetention();
    const letter = await buildLetter(t.ctx);
    await postSignature(t.app, letter.slug, signForm({ email: 'late@example.org' })).expect(303);
    t.clock.advanceDays(2);
    expect(await sendDueReminders(t.ctx)).toBe(1);
    const reminderLink = await tokenFromOutbox(t.ctx, 'late@example.org', 'confirm');

    t.clock.advanceDays(6);
    expect((await runPrivacyJobs(t.ctx)).unconfirmedDeleted).toBe(0);
    await request(t.app).post(`/signatures/confirm/${reminderLink}`).expect(200);
    expect((await signatureByEmail(t.ctx, 'late@example.org'))?.state).toBe('pending');
  });

  it('when every link of an old unconfirmed signature has expired, then retention deletes it', async () => {
    await shortRetention();
    const letter = await buildLetter(t.ctx);
    await postSignature(t.app, letter.slug, signForm({ email: 'gone@example.org' })).expect(303);
    t.clock.advanceDays(2);
    await sendDueReminders(t.ctx);
    t.clock.advanceDays(7);
    expect((await runPrivacyJobs(t.ctx)).unconfirmedDeleted).toBe(1);
    expect(await signatureByEmail(t.ctx, 'gone@example.org')).toBeUndefined();
  });
});

import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createSmtpTransport } from '../../server/mail/transport.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildLetter, outboxFor, postSignature, signForm } from '../helpers/factories.js';
import { loginAs } from '../helpers/organisers.js';
import { capturedLogger, closedAfterEach, smtpSettingsFor, startSmtpPeer } from '../helpers/smtp.js';

const opened = closedAfterEach();

const HOUR = 60 * 60 * 1000;
const login = { user: 'mailer', pass: 'the right password' };

async function queueMail(app: TestApp, email = 'signer@example.org'): Promise<void> {
  await postSignature(app.app, (await buildLetter(app.ctx)).slug, signForm({ email })).expect(303);
}

async function appSendingTo(url: string, logger = pino({ level: 'silent' })): Promise<TestApp> {
  return buildTestApp({ transport: createSmtpTransport(smtpSettingsFor(url, { connectionTimeoutMs: 500, greetingTimeoutMs: 500 })), logger });
}

const withCredentials = (url: string, user: string, pass: string): string => {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = pass;
  return parsed.toString();
};

describe('which send failures are final', () => {
  it('when the SMTP server refuses the login (535) for more than a day, then the mail is never marked failed, the dashboard says so, it is logged at error once, and the mail goes out once the login works', async () => {
    const credentials = { ...login };
    const peer = (opened.peer = await startSmtpPeer(0, { login: credentials }));
    const { logger, lines } = capturedLogger();
    const t = (opened.app = await appSendingTo(withCredentials(peer.url, login.user, 'a stale password'), logger));
    await queueMail(t);
    for (let hour = 0; hour <= 26; hour += 1) {
      await t.worker.drain();
      t.clock.advance(HOUR);
    }
    const row = (await outboxFor(t.ctx))[0];
    expect(row?.state).toBe('queued');
    expect(row?.lastError).toMatch(/535/);
    expect(t.worker.outage()?.problem).toBe('the SMTP server refused the login');
    const errors = lines.filter((line) => line.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.msg).toBe('mail is failing: the SMTP server refused the login');

    const { agent } = await loginAs(t, 'viewer');
    const failing = await agent.get('/admin').expect(200);
    expect(failing.text).toContain('Mail is failing: the SMTP server refused the login');
    expect(failing.text).toContain('data-mail-outage');

    credentials.pass = 'a stale password'; // the operator fixes the mismatch
    t.clock.advance(HOUR);
    await t.worker.drain();
    await peer.waitForMessages(1);
    expect((await outboxFor(t.ctx))[0]?.state).toBe('sent');
    expect(t.worker.outage()).toBeUndefined();
    const again = await loginAs(t, 'viewer'); // the first session idled out while the clock moved
    expect((await again.agent.get('/admin').expect(200)).text).not.toContain('data-mail-outage');
    expect(lines.some((line) => line.msg === 'mail is being delivered again')).toBe(true);
  });

  it('when the SMTP server wants a login that is not configured (530), then the mail waits as for a refused login', async () => {
    const peer = (opened.peer = await startSmtpPeer(0, { login }));
    const t = (opened.app = await appSendingTo(peer.url));
    await queueMail(t);
    await t.worker.drain();
    expect((await outboxFor(t.ctx))[0]).toMatchObject({ state: 'queued' });
    expect((await outboxFor(t.ctx))[0]?.lastError).toMatch(/530/);
    expect(t.worker.outage()?.problem).toBe('the SMTP server refused the login');
  });

  it('when TLS with the SMTP server fails, then the mail waits and the outage is reported', async () => {
    const peer = (opened.peer = await startSmtpPeer());
    const t = (opened.app = await appSendingTo(peer.url.replace('smtp://', 'smtps://')));
    await queueMail(t);
    await t.worker.drain();
    expect((await outboxFor(t.ctx))[0]).toMatchObject({ state: 'queued' });
    expect(t.worker.outage()?.problem).toMatch(/TLS|cannot be reached|did not answer/);
  });

  it('when the SMTP server refuses the recipient (550 at RCPT TO), then that mail fails for good and nothing is reported as an outage', async () => {
    const peer = (opened.peer = await startSmtpPeer());
    peer.refusedRecipients.add('nobody@example.org');
    const t = (opened.app = await appSendingTo(peer.url));
    await queueMail(t, 'nobody@example.org');
    await queueMail(t, 'somebody@example.org');
    await t.worker.drain();
    const byAddress = new Map((await outboxFor(t.ctx)).map((row) => [row.toAddress, row]));
    expect(byAddress.get('nobody@example.org')).toMatchObject({ state: 'failed' });
    expect(byAddress.get('nobody@example.org')?.lastError).toMatch(/550/);
    expect(byAddress.get('somebody@example.org')).toMatchObject({ state: 'sent' });
    expect(t.worker.outage()).toBeUndefined();
  });

  it('when the reply of the SMTP server quotes the recipient, then the log lines about that mail do not hold the address', async () => {
    const peer = (opened.peer = await startSmtpPeer());
    peer.refusedRecipients.add('bounce.secret@example.org');
    peer.greylistedRecipients.add('grey.secret@example.org');
    const { logger, lines } = capturedLogger();
    const t = (opened.app = await appSendingTo(peer.url, logger));
    await queueMail(t, 'bounce.secret@example.org');
    await queueMail(t, 'grey.secret@example.org');
    await t.worker.drain();
    const byAddress = new Map((await outboxFor(t.ctx)).map((row) => [row.toAddress, row]));
    expect(byAddress.get('bounce.secret@example.org')?.lastError).toContain('<bounce.secret@example.org>');
    expect(byAddress.get('grey.secret@example.org')?.state).toBe('queued');

    const failed = lines.find((line) => line.msg === 'mail failed permanently');
    const retried = lines.find((line) => line.msg === 'mail will be retried');
    expect(failed?.reason).toMatch(/550 5\.1\.1 <\[email\]>: Recipient address rejected/);
    expect(retried?.reason).toMatch(/450 4\.2\.0 <\[email\]>: Recipient address rejected/);
    expect(JSON.stringify(lines)).not.toMatch(/secret/);
  });
});

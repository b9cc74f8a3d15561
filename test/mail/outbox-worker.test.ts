import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSmtpTransport } from '../../server/mail/transport.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildLetter, outboxFor, postSignature, signForm } from '../helpers/factories.js';
import { smtpSettingsFor, startSmtpPeer, type SmtpPeer } from '../helpers/smtp.js';
import { sqlRows } from '../helpers/database.js';

let peer: SmtpPeer;
let t: TestApp;

beforeEach(async () => {
  peer = await startSmtpPeer();
  t = await buildTestApp({ transport: createSmtpTransport(smtpSettingsFor(peer.url)) });
});
afterEach(async () => {
  await t.close();
  await peer.close();
});

const queueOneMail = async (email = 'mail@example.org') => {
  const letter = await buildLetter(t.ctx);
  await postSignature(t.app, letter.slug, signForm({ email })).expect(303);
};

describe('the outbox worker', () => {
  it('when a mail is queued, then it is delivered over SMTP with a text part, an HTML part and the Message-ID', async () => {
    await queueOneMail();
    expect(await t.worker.drain()).toBe(1);
    const [mail] = await peer.waitForMessages(1);
    const row = (await outboxFor(t.ctx))[0];
    expect(row).toMatchObject({ state: 'sent', attempts: 1 });
    expect(mail?.messageId).toBe(row?.messageId);
    expect(mail?.text).toContain('/signatures/confirm/');
    expect(mail?.html).toContain('/signatures/confirm/');
    expect(mail?.from?.text).toContain('letters@undersigned.test');
    expect(mail?.to && 'text' in mail.to ? mail.to.text : '').toBe('mail@example.org');
  });

  it('when the peer answers 4xx, then the mail is retried with back-off and delivered once it accepts', async () => {
    await queueOneMail();
    peer.failNext(451, 450);
    await t.worker.drain();
    let row = (await outboxFor(t.ctx))[0];
    expect(row).toMatchObject({ state: 'queued', attempts: 1 });
    expect(row?.lastError).toMatch(/451/);
    expect(row?.nextAttemptAt.getTime()).toBe(t.clock.now().getTime() + 30_000);

    expect(await t.worker.drain()).toBe(0);
    t.clock.advance(30_000);
    await t.worker.drain();
    row = (await outboxFor(t.ctx))[0];
    expect(row).toMatchObject({ state: 'queued', attempts: 2 });
    expect(row?.nextAttemptAt.getTime()).toBe(t.clock.now().getTime() + 60_000);

    t.clock.advance(60_000);
    await t.worker.drain();
    expect((await outboxFor(t.ctx))[0]).toMatchObject({ state: 'sent', attempts: 3, lastError: null });
    expect(peer.messages).toHaveLength(1);
    expect(peer.attempts).toBe(3);
  });

  it('when the peer answers 5xx, then the failure is permanent and the reply is recorded', async () => {
    await queueOneMail();
    peer.failNext(550);
    await t.worker.drain();
    const row = (await outboxFor(t.ctx))[0];
    expect(row).toMatchObject({ state: 'failed', attempts: 1 });
    expect(row?.lastError).toMatch(/550/);
    t.clock.advanceDays(1);
    expect(await t.worker.drain()).toBe(0);
    expect(peer.messages).toHaveLength(0);
  });

  it('when the peer is unreachable for more than 24 hours, then the mail waits for it (an outage is not the mail\'s fault) and is delivered once it is back', async () => {
    const port = peer.port;
    await peer.close();
    await queueOneMail();
    for (let hour = 0; hour <= 25; hour += 1) {
      await t.worker.drain();
      t.clock.advance(60 * 60 * 1000);
    }
    const row = (await outboxFor(t.ctx))[0];
    expect(row?.state).toBe('queued');
    expect(row?.lastError).toMatch(/ECONNREFUSED|connect/i);
    expect(t.worker.outage()?.problem).toBe('the SMTP server cannot be reached');
    peer = await startSmtpPeer(port);
    await t.worker.drain();
    await peer.waitForMessages(1);
    expect((await outboxFor(t.ctx))[0]?.state).toBe('sent');
    expect(t.worker.outage()).toBeUndefined();
  });

  it('when a send was interrupted (row left "sending"), then it is sent again once its lock expires', async () => {
    await queueOneMail();
    await sqlRows(t, "UPDATE outbox SET state = 'sending', locked_until = ? ", t.clock.now().getTime() + 120_000);
    expect(await t.worker.drain()).toBe(0);
    t.clock.advance(120_001);
    expect(await t.worker.drain()).toBe(1);
    await peer.waitForMessages(1);
    expect((await outboxFor(t.ctx))[0]?.state).toBe('sent');
  });
});

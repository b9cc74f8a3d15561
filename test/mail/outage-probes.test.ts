import { describe, expect, it } from 'vitest';
import { createSmtpTransport } from '../../server/mail/transport.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildLetter, outboxFor, postSignature, signForm } from '../helpers/factories.js';
import { closedAfterEach, smtpSettingsFor, startSmtpPeer, type SmtpPeer } from '../helpers/smtp.js';

const opened = closedAfterEach();

async function hungPeerWithQueue(mails: number): Promise<{ peer: SmtpPeer; t: TestApp }> {
  const peer = (opened.peer = await startSmtpPeer());
  peer.hang = true;
  const t = (opened.app = await buildTestApp({ transport: createSmtpTransport(smtpSettingsFor(peer.url, { connectionTimeoutMs: 300, greetingTimeoutMs: 300 })) }));
  const letter = await buildLetter(t.ctx);
  for (let i = 0; i < mails; i += 1) await postSignature(t.app, letter.slug, signForm({ email: `waiting-${i}@example.org` })).expect(303);
  return { peer, t };
}

const totalAttempts = async (t: TestApp): Promise<number> => (await outboxFor(t.ctx)).reduce((sum, row) => sum + row.attempts, 0);

describe('probing a mail server that is out', () => {
  it('when the mail server does not greet for a while, then the worker sends one probe at a time with the wait doubling from 5 s, charges no attempt to mail it never tried, and once a probe succeeds everything due goes at once', async () => {
    const { peer, t } = await hungPeerWithQueue(12);
    await t.worker.drain();
    expect(t.worker.outage()?.problem).toBe('the SMTP server did not answer in time');
    // Only mail that was really tried (one connection each) is charged an attempt; the rest of the batch waits as it was.
    expect(await totalAttempts(t)).toBe(peer.connections);
    expect((await outboxFor(t.ctx)).filter((row) => row.attempts === 0).length).toBeGreaterThan(0);
    expect((await outboxFor(t.ctx)).every((row) => row.state === 'queued')).toBe(true);

    const probesBefore = peer.connections;
    for (const waitSeconds of [5, 10, 20, 40]) {
      t.clock.advance(waitSeconds * 1000 - 1);
      expect(await t.worker.drain(), `nothing is tried before the ${waitSeconds} s wait is over`).toBe(0);
      t.clock.advance(1);
      expect(await t.worker.drain(), `one probe after ${waitSeconds} s`).toBe(1);
    }
    expect(peer.connections - probesBefore).toBe(4);
    expect(await totalAttempts(t)).toBe(peer.connections);

    peer.hang = false;
    t.clock.advance(80_000);
    expect(await t.worker.drain()).toBe(12);
    await peer.waitForMessages(12);
    expect(peer.attempts).toBe(12);
    expect((await outboxFor(t.ctx)).every((row) => row.state === 'sent')).toBe(true);
    expect(t.worker.outage()).toBeUndefined();
  });

  it('when the waits reach five minutes, then they stay there', async () => {
    const { t } = await hungPeerWithQueue(2);
    await t.worker.drain();
    for (const waitSeconds of [5, 10, 20, 40, 80, 160, 300, 300]) {
      t.clock.advance(waitSeconds * 1000 - 1);
      expect(await t.worker.drain()).toBe(0);
      t.clock.advance(1);
      expect(await t.worker.drain()).toBe(1);
    }
  });
});

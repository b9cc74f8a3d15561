import { createServer } from 'node:net';
import pino from 'pino';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_LETTER } from '../../server/letters/demo-letter.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { testConfig } from '../helpers/config.js';
import { startSmtpPeer, type SmtpPeer } from '../helpers/smtp.js';
import { waitFor } from '../helpers/wait.js';

let running: RunningServer | undefined;
let peer: SmtpPeer | undefined;
afterEach(async () => {
  await running?.stop();
  await peer?.close();
  running = undefined;
  peer = undefined;
});

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

describe('the outbox worker in its own thread', () => {
  it('when the mail server is down, then the outage reaches the main thread for the dashboard, and once the server is up the mail goes out and the outage ends', async () => {
    const port = await freePort();
    const config = testConfig({ PORT: '0', SEED_DEMO_LETTER: 'yes', SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_CONNECTION_TIMEOUT_SECONDS: '1' });
    running = await startServer(config, pino({ level: 'silent' }), { pollMs: 50 });
    expect(running.worker.runsIn).toBe('thread');
    await request(running.url).post(`/letters/${DEMO_LETTER.slug}/signatures`).type('form').send({ name: 'Ada Lovelace', email: 'ada@example.org' }).expect(303);

    const outage = await waitFor(() => running?.worker.outage(), 15_000);
    expect(outage.problem).toBe('the SMTP server cannot be reached');
    expect(outage.since).toBeInstanceOf(Date);

    peer = await startSmtpPeer(port);
    // The worker probes again once its pause (5 s after a first failure) lapses.
    await peer.waitForMessages(1, 60_000);
    await waitFor(() => running?.worker.outage() === undefined, 5_000);
  }, 90_000);
});

import pino from 'pino';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createContext } from '../../server/context.js';
import { outbox } from '../../server/db/schema.js';
import type { SqliteDatabase } from '../../server/db/sqlite-database.js';
import { DEMO_LETTER } from '../../server/letters/demo-letter.js';
import { createSmtpTransport } from '../../server/mail/transport.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { testConfig } from '../helpers/config.js';
import { buildLetter, outboxFor, postSignature, signForm } from '../helpers/factories.js';
import { createOrganiser, loginAs, TEST_PASSWORD } from '../helpers/organisers.js';
import { capturedLogger, smtpSettingsFor, startSmtpPeer, type SmtpPeer } from '../helpers/smtp.js';
import { waitFor } from '../helpers/wait.js';
import { holdWriteLock, type WriteLockHolder } from '../helpers/write-lock.js';

let running: RunningServer | undefined;
let t: TestApp | undefined;
let peer: SmtpPeer | undefined;
let holder: WriteLockHolder | undefined;
afterEach(async () => {
  holder?.kill();
  await running?.stop();
  await t?.close();
  await peer?.close();
  running = t = peer = holder = undefined;
});

const sign = (url: string, email: string) => request(url).post(`/letters/${DEMO_LETTER.slug}/signatures`).type('form').send({ name: 'Ada Lovelace', email });

async function serverSendingTo(smtp: SmtpPeer, logger = pino({ level: 'silent' })): Promise<RunningServer> {
  const config = testConfig({ PORT: '0', SEED_DEMO_LETTER: 'yes', SMTP_URL: smtp.url });
  return startServer(config, logger, { pollMs: 50 });
}

describe('the mail worker while another process holds the database', () => {
  it('when another process holds the write lock for 7 s while a burst of mail is in flight, then the mail thread carries on and afterwards every mail arrives exactly once', async () => {
    peer = await startSmtpPeer();
    // A slow relay keeps sends in flight when the lock is taken: their outcomes must wait for it.
    peer.dataDelayMs = 300;
    const { logger, lines } = capturedLogger();
    const server = (running = await serverSendingTo(peer, logger));
    const burst = Array.from({ length: 40 }, (_, i) => `burst-${i}@example.org`);
    for (const answer of await Promise.all(burst.map((email) => sign(server.url, email)))) expect(answer.status).toBe(303);
    await peer.waitForMessages(1);

    // Nothing in this process waits for the lock meanwhile (a request would hold up the SMTP peer here too).
    holder = await holdWriteLock((server.database as SqliteDatabase).path, 7000);
    await waitFor(() => server.worker.state().state === 'waiting-for-database', 10_000);
    expect((await request(server.url).get('/healthz').expect(200)).body.mail).toMatchObject({ state: 'waiting-for-database' });
    await holder.released;
    await sign(server.url, 'after-the-lock@example.org').expect(303);

    const queued = (await server.database.select({ messageId: outbox.messageId }).from(outbox)).map((row) => row.messageId);
    await peer.waitForMessages(queued.length, 60_000);
    expect(peer.messages.map((mail) => mail.messageId).sort()).toEqual(queued.sort());
    await waitFor(async () => (await outboxFor({ db: server.database })).every((row) => row.state === 'sent'), 10_000);
    expect(lines.filter((line) => /mail worker thread/.test(line.msg))).toEqual([]);
  }, 120_000);

  it('when the mail thread dies, then /healthz and the dashboard say mail is stopped, the thread is started again, and mail queued meanwhile goes out', async () => {
    peer = await startSmtpPeer();
    const { logger, lines } = capturedLogger();
    const server = (running = await serverSendingTo(peer, logger));
    const viewer = await createOrganiser({ ctx: createContext({ config: testConfig(), db: server.database, logger }) }, 'viewer');
    const agent = request.agent(server.url);
    await agent.post('/admin/login').type('form').send({ email: viewer.email, password: TEST_PASSWORD }).expect(303);
    const thread = server.worker.currentThread();
    expect(thread).toBeDefined();

    await thread?.terminate();
    const [health, dashboard] = await Promise.all([request(server.url).get('/healthz'), agent.get('/admin')]);
    expect(health.status).toBe(200);
    expect(health.body.mail).toMatchObject({ state: 'stopped' });
    expect(dashboard.text).toContain('Mail is stopped');
    await sign(server.url, 'while-stopped@example.org').expect(303);

    await peer.waitForMessages(1, 30_000);
    expect(server.worker.currentThread()).not.toBe(thread);
    expect(server.worker.state()).toEqual({ state: 'running' });
    expect((await request(server.url).get('/healthz').expect(200)).body.mail).toEqual({ state: 'running' });
    const stoppedLines = lines.filter((line) => line.msg.startsWith('the mail worker thread stopped'));
    expect(stoppedLines).toHaveLength(1);
    expect(stoppedLines[0]?.level).toBe(50);
  }, 60_000);

  it('when the worker has waited for the database for over a minute, then the dashboard says so and /healthz answers 503; once the lock is gone mail goes out and both recover', async () => {
    peer = await startSmtpPeer();
    const { logger, lines } = capturedLogger();
    const app = (t = await buildTestApp({ env: { DATABASE_BUSY_TIMEOUT_MS: '100' }, transport: createSmtpTransport(smtpSettingsFor(peer.url)), logger }));
    const letter = await buildLetter(app.ctx);
    await postSignature(app.app, letter.slug, signForm({ email: 'waiting@example.org' })).expect(303);
    const viewer = await loginAs(app, 'viewer');

    holder = await holdWriteLock(app.config.databasePath, 1500);
    expect(await app.worker.drain()).toBe(0);
    expect((await request(app.app).get('/healthz').expect(200)).body.mail).toMatchObject({ state: 'waiting-for-database' });
    app.clock.advance(61_000);
    const late = await request(app.app).get('/healthz').expect(503);
    expect(late.body).toMatchObject({ ok: false, mail: { state: 'waiting-for-database' } });
    await holder.released;

    // What the worker last saw is what the dashboard shows until its next run.
    expect((await viewer.agent.get('/admin').expect(200)).text).toContain('Mail is waiting for the database');
    app.clock.advance(60_000);
    expect(await app.worker.drain()).toBe(1);
    await peer.waitForMessages(1);
    expect((await request(app.app).get('/healthz').expect(200)).body).toEqual({ ok: true, mail: { state: 'running' } });
    expect((await viewer.agent.get('/admin').expect(200)).text).not.toContain('Mail is waiting for the database');
    expect(lines.filter((line) => line.msg === 'mail is waiting for the database')).toHaveLength(1);
    expect(lines.filter((line) => line.msg === 'outbox worker run failed')).toEqual([]);
  });
});

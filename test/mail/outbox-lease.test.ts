import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/client.js';
import type { Database } from '../../server/db/database.js';
import { createSmtpTransport } from '../../server/mail/transport.js';
import { createMailViews } from '../../server/mail/compose.js';
import { createOutboxWorker, type OutboxWorker } from '../../server/mail/worker.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildLetter, outboxFor, postSignature, signForm } from '../helpers/factories.js';
import { smtpSettingsFor, startSmtpPeer, type SmtpPeer } from '../helpers/smtp.js';

const LEASE_MS = 2 * 60 * 1000;

let peers: SmtpPeer[] = [];
let t: TestApp | undefined;
let second: { database: Database; worker: OutboxWorker } | undefined;
afterEach(async () => {
  await second?.worker.stop();
  await second?.database.close();
  await t?.close();
  await Promise.all(peers.map((peer) => peer.close()));
  peers = [];
  t = undefined;
  second = undefined;
});

async function peer(): Promise<SmtpPeer> {
  const started = await startSmtpPeer();
  peers.push(started);
  return started;
}

/** Worker A is the test app's; worker B has its own connection to the same database, as a second process would. */
async function twoWorkers(peerA: SmtpPeer, peerB: SmtpPeer, settingsA: Parameters<typeof smtpSettingsFor>[1] = {}) {
  t = await buildTestApp({ transport: createSmtpTransport(smtpSettingsFor(peerA.url, settingsA)) });
  const database = openDatabase(t.config);
  const worker = createOutboxWorker({ db: database, transport: createSmtpTransport(smtpSettingsFor(peerB.url)), logger: pino({ level: 'silent' }), now: t.clock.now, retryHours: 24, eraseSentBodies: false, views: createMailViews() });
  second = { database, worker };
  return { app: t, a: t.worker, b: worker };
}

/** Waits until the outbox's first row is as `wanted` says: a drain claims its batch asynchronously. */
async function waitForRow(app: TestApp, wanted: (row: Awaited<ReturnType<typeof outboxFor>>[number]) => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await outboxFor(app.ctx)).some(wanted)) {
    if (Date.now() > deadline) throw new Error('the outbox never reached the state waited for');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function queueMails(app: TestApp, count: number): Promise<void> {
  const letter = await buildLetter(app.ctx);
  for (let i = 0; i < count; i += 1) await postSignature(app.app, letter.slug, signForm({ email: `lease-${i}@example.org` })).expect(303);
}

describe('two outbox workers on one database', () => {
  it('when both drain at once, then every mail is sent exactly once', async () => {
    const shared = await peer();
    const { app, a, b } = await twoWorkers(shared, shared);
    await queueMails(app, 30);
    await Promise.all([a.drain(), b.drain(), a.drain(), b.drain()]);
    const mails = await shared.waitForMessages(30);
    expect(new Set(mails.map((mail) => mail.messageId)).size).toBe(30);
    expect((await outboxFor(app.ctx)).every((row) => row.state === 'sent' && row.attempts === 1)).toBe(true);
  });

  it('when a worker\'s lease lapses mid-send and another worker delivers the mail, then the first worker\'s late failure does not overwrite it, and the mail is never sent again', async () => {
    const hung = await peer();
    const good = await peer();
    hung.hang = true;
    const { app, a, b } = await twoWorkers(hung, good, { connectionTimeoutMs: 1500, greetingTimeoutMs: 1500 });
    await queueMails(app, 1);
    const slow = a.drain(); // claims the mail, then waits for a greeting that never comes
    await waitForRow(app, (row) => row.state === 'sending');
    expect((await outboxFor(app.ctx))[0]).toMatchObject({ state: 'sending', attempts: 1 });
    app.clock.advance(LEASE_MS + 1);
    await b.drain();
    await good.waitForMessages(1);
    expect((await outboxFor(app.ctx))[0]).toMatchObject({ state: 'sent', attempts: 2 });

    await slow; // A's send times out now; its outcome must not be recorded over B's
    expect((await outboxFor(app.ctx))[0]).toMatchObject({ state: 'sent', attempts: 2, lastError: null });
    app.clock.advance(24 * 60 * 60 * 1000);
    hung.hang = false;
    await Promise.all([a.drain(), b.drain()]);
    expect(good.messages.length + hung.messages.length).toBe(1);
  });

  it('when a worker\'s lease lapses while a mail waits for a connection, then that worker does not send it: the worker holding it now does', async () => {
    const slowPeer = await peer();
    const good = await peer();
    slowPeer.hang = true;
    const { app, a, b } = await twoWorkers(slowPeer, good, { maxConnections: 1, connectionTimeoutMs: 1500, greetingTimeoutMs: 1500 });
    await queueMails(app, 2);
    const slow = a.drain(); // one connection: the second mail waits behind the first
    await waitForRow(app, (row) => row.state === 'sending');
    app.clock.advance(LEASE_MS + 1);
    await b.drain();
    await good.waitForMessages(2);
    slowPeer.hang = false; // were A to send its second mail now, this peer would receive it
    await slow;
    expect(slowPeer.messages).toHaveLength(0);
    expect(good.messages).toHaveLength(2);
    expect((await outboxFor(app.ctx)).map((row) => row.state)).toEqual(['sent', 'sent']);
  });
});

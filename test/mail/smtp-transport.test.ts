import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { createDevTransport, createSmtpMailer, createSmtpTransport, smtpSettingsOf, smtpTransportOptions } from '../../server/mail/transport.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { tempDir } from '../helpers/config.js';
import { buildLetter, outboxFor, postSignature, signForm } from '../helpers/factories.js';
import { closedAfterEach, smtpSettingsFor, startSmtpPeer } from '../helpers/smtp.js';

const opened = closedAfterEach();

async function queueMails(app: TestApp, count: number): Promise<void> {
  const letter = await buildLetter(app.ctx);
  for (let i = 0; i < count; i += 1) await postSignature(app.app, letter.slug, signForm({ email: `burst-${i}@example.org` })).expect(303);
}

describe('the SMTP transport settings', () => {
  it('when SMTP_URL carries a login and the pool and timeouts are configured, then every option reaches nodemailer', () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      SMTP_URL: 'smtps://mailer%40example.org:p%40ss%3Aword@smtp.example.org:2465',
      SMTP_MAX_CONNECTIONS: '7',
      SMTP_CONNECTION_TIMEOUT_SECONDS: '3',
      SMTP_GREETING_TIMEOUT_SECONDS: '4',
      SMTP_SOCKET_TIMEOUT_SECONDS: '5',
    });
    expect(smtpTransportOptions(smtpSettingsOf({ ...config, smtpUrl: config.smtpUrl ?? '' }))).toEqual({
      host: 'smtp.example.org',
      port: 2465,
      secure: true,
      auth: { user: 'mailer@example.org', pass: 'p@ss:word' },
      pool: true,
      maxConnections: 7,
      maxMessages: Infinity,
      connectionTimeout: 3000,
      greetingTimeout: 4000,
      socketTimeout: 5000,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  });

  it('when nothing is configured, then the pool has 4 connections', () => {
    const config = loadConfig({ NODE_ENV: 'test', SMTP_URL: 'smtp://127.0.0.1:2525' });
    expect(config.smtpMaxConnections).toBe(4);
    expect(smtpTransportOptions(smtpSettingsOf({ ...config, smtpUrl: 'smtp://127.0.0.1:2525' }))).toMatchObject({ port: 2525, secure: false, pool: true, maxConnections: 4 });
  });
});

describe('the SMTP connection pool', () => {
  it('when a burst of mail is sent (more than the 100 mails nodemailer sends on a connection by default), then no more connections are open at once than the pool allows, and every mail arrives once', async () => {
    const peer = (opened.peer = await startSmtpPeer());
    const t = (opened.app = await buildTestApp({ transport: createSmtpTransport(smtpSettingsFor(peer.url, { maxConnections: 2 })) }));
    await queueMails(t, 240);
    await t.worker.drain();
    const mails = await peer.waitForMessages(240);
    expect(peer.peakConnections).toBeGreaterThan(0);
    expect(peer.peakConnections).toBeLessThanOrEqual(2);
    expect(new Set(mails.map((mail) => mail.messageId)).size).toBe(240);
    expect((await outboxFor(t.ctx)).every((row) => row.state === 'sent')).toBe(true);
    // 240 signatures through HTTP first: on PostgreSQL under a loaded machine that alone nears the default timeout.
  }, 60_000);

  it('when the peer accepts the connection but never greets, then the send gives up after the greeting timeout, the mail waits, and it is delivered once the peer answers', async () => {
    const peer = (opened.peer = await startSmtpPeer());
    peer.hang = true;
    const t = (opened.app = await buildTestApp({ transport: createSmtpTransport(smtpSettingsFor(peer.url, { connectionTimeoutMs: 300, greetingTimeoutMs: 300 })) }));
    await queueMails(t, 1);
    const started = Date.now();
    await t.worker.drain();
    // Bounded by the configured timeouts, not the ten minutes a hung peer used to hold the worker.
    expect(Date.now() - started).toBeLessThan(30_000);
    const waiting = (await outboxFor(t.ctx))[0];
    expect(waiting).toMatchObject({ state: 'queued', attempts: 1 });
    expect(waiting?.lastError).toMatch(/greeting|timed? ?out/i);
    expect(t.worker.outage()?.problem).toBe('the SMTP server did not answer in time');
    expect(peer.messages).toHaveLength(0);

    peer.hang = false;
    t.clock.advance(30_000);
    await t.worker.drain();
    await peer.waitForMessages(1);
    expect((await outboxFor(t.ctx))[0]).toMatchObject({ state: 'sent', attempts: 2 });
    expect(t.worker.outage()).toBeUndefined();
  });
});

describe('no mail reads a file or fetches a URL', () => {
  let web: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (web ? web.close(resolve) : resolve(undefined)));
    web = undefined;
  });

  const secretFile = (): string => {
    const path = join(tempDir(), 'secret.txt');
    writeFileSync(path, 'the server secret');
    return path;
  };

  it('when a message names a file as an attachment, as its raw source or as its HTML, then the SMTP transport refuses it and nothing is sent', async () => {
    const peer = (opened.peer = await startSmtpPeer());
    const mailer = createSmtpMailer(smtpSettingsFor(peer.url));
    const path = secretFile();
    const envelope = { from: 'a@undersigned.test', to: 'b@example.org', subject: 'x' };
    try {
      await expect(mailer.sendMail({ ...envelope, text: 'hi', attachments: [{ path }] })).rejects.toThrow(/file access rejected/i);
      await expect(mailer.sendMail({ ...envelope, html: { path } })).rejects.toThrow(/file access rejected/i);
      // GHSA-p6gq-j5cr-w38f: the message-level raw option bypassed these settings before 9.0.1.
      await expect(mailer.sendMail({ ...envelope, raw: { path } })).rejects.toThrow(/file access rejected/i);
    } finally {
      mailer.close();
    }
    expect(peer.messages).toHaveLength(0);
  });

  it('when a message names a URL, then the SMTP transport refuses it without fetching it', async () => {
    const peer = (opened.peer = await startSmtpPeer());
    let fetched = 0;
    web = createServer((_req, res) => {
      fetched += 1;
      res.end('internal data');
    });
    await new Promise<void>((resolve) => web?.listen(0, '127.0.0.1', resolve));
    const href = `http://127.0.0.1:${(web.address() as AddressInfo).port}/internal`;
    const mailer = createSmtpMailer(smtpSettingsFor(peer.url));
    const envelope = { from: 'a@undersigned.test', to: 'b@example.org', subject: 'x' };
    try {
      await expect(mailer.sendMail({ ...envelope, text: 'hi', attachments: [{ href }] })).rejects.toThrow(/url access rejected/i);
      await expect(mailer.sendMail({ ...envelope, raw: { href } })).rejects.toThrow(/url access rejected/i);
    } finally {
      mailer.close();
    }
    expect(fetched).toBe(0);
    expect(peer.messages).toHaveLength(0);
  });

  it('when the development outbox composes a mail, then it composes it with the same options (a normal mail goes through)', async () => {
    const t = (opened.app = await buildTestApp({ transport: createDevTransport() }));
    await queueMails(t, 1);
    expect(await t.worker.drain()).toBe(1);
    expect((await outboxFor(t.ctx))[0]?.state).toBe('sent');
  });
});

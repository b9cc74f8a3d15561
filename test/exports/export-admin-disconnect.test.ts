import { readdirSync, readlinkSync } from 'node:fs';
import { get, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { auditEvents } from '../../server/db/schema.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { insertManySignatures } from '../helpers/bulk-signatures.js';
import { buildLetter } from '../helpers/factories.js';
import { createOrganiser, TEST_PASSWORD } from '../helpers/organisers.js';
import { waitFor } from '../helpers/wait.js';

const ROWS = 20_000;

let t: TestApp;
let server: Server;
let port: number;
const errorLogs: string[] = [];
beforeEach(async () => {
  errorLogs.length = 0;
  const collect = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      errorLogs.push(chunk.toString('utf8'));
      callback();
    },
  });
  t = await buildTestApp({ logger: pino({ level: 'error' }, collect) });
  server = await new Promise<Server>((resolve) => {
    const listening = t.app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  port = (server.address() as AddressInfo).port;
});
afterEach(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  await t.close();
});

/** Signs in over HTTP and returns the session cookie. */
async function sessionCookie(): Promise<string> {
  const organiser = await createOrganiser(t, 'owner');
  const body = new URLSearchParams({ email: organiser.email, password: TEST_PASSWORD }).toString();
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/admin/login', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) } }, (res) => {
      res.resume();
      const cookie = res.headers['set-cookie']?.[0]?.split(';')[0];
      if (res.statusCode === 303 && cookie) resolve(cookie);
      else reject(new Error(`sign-in failed with ${res.statusCode}`));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Open handles on the database file and its WAL, held by this process. */
const databaseHandles = (): number =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith(t.config.databasePath);
    } catch {
      return false;
    }
  }).length;


it('when the client disconnects mid-download, then the export stops, is audited as incomplete, its read connection is closed and the server goes on', { timeout: 60_000 }, async () => {
  const letter = await buildLetter(t.ctx);
  const comment = 'A comment long enough that the file is far larger than any socket buffer. '.repeat(12);
  await insertManySignatures(t, letter, ROWS, comment);
  const cookie = await sessionCookie();
  // SQLite keeps the descriptor of a closed connection open for reuse while another connection in
  // the process holds a lock on the file: a first, complete export sets that baseline.
  const complete = await fetch(`http://127.0.0.1:${port}/admin/letters/${letter.slug}/signatures.csv?since=2030-01-01`, { headers: { cookie } });
  expect(await complete.text()).toMatch(/^id,state,name.*\r\n$/);
  const handlesBefore = databaseHandles();

  const firstChunk = await new Promise<string>((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path: `/admin/letters/${letter.slug}/signatures.csv`, headers: { cookie } }, (res) => {
      res.once('data', (chunk: Buffer) => {
        req.destroy();
        resolve(chunk.toString('utf8'));
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET') reject(error);
    });
  });
  expect(firstChunk.startsWith('id,state,name')).toBe(true);

  const event = await waitFor(async () => (await t.ctx.db.select().from(auditEvents).where(eq(auditEvents.action, 'export.csv')))[1], 10_000);
  expect(event.details).toMatchObject({ complete: false, includeEmails: true });
  expect(event.details?.rows).toBeLessThan(ROWS);
  expect(databaseHandles()).toBe(handlesBefore);

  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  expect(health.status).toBe(200);
  expect(errorLogs).toEqual([]);
});

it('when several downloads stall unread, then exports past a few at a time are refused with 503 (pages keep their connections), and a new one starts once a stalled one goes', { timeout: 90_000 }, async () => {
  const letter = await buildLetter(t.ctx);
  await insertManySignatures(t, letter, ROWS, 'A comment long enough that the file is far larger than any socket buffer. '.repeat(12));
  const cookie = await sessionCookie();
  const path = `/admin/letters/${letter.slug}/signatures.csv`;
  /** Starts a download and reads nothing after its headers: its status, and a way to let it go. */
  const stalled = () =>
    new Promise<{ status: number; attachment: boolean; drop(): void }>((resolve, reject) => {
      const req = get({ host: '127.0.0.1', port, path, headers: { cookie } }, (res) => {
        res.pause();
        resolve({ status: res.statusCode ?? 0, attachment: res.headers['content-disposition'] !== undefined, drop: () => req.destroy() });
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ECONNRESET') reject(error);
      });
    });
  const downloads: Array<{ status: number; attachment: boolean; drop(): void }> = [];
  try {
    for (let i = 0; i < 12; i += 1) downloads.push(await stalled());
    const running = downloads.filter((download) => download.status === 200);
    expect(running.length).toBeGreaterThanOrEqual(1);
    expect(running.length).toBeLessThan(downloads.length);
    expect(downloads.slice(running.length).every((download) => download.status === 503)).toBe(true);
    expect(downloads.slice(running.length).some((download) => download.attachment)).toBe(false);
    expect((await fetch(`http://127.0.0.1:${port}/letters/${letter.slug}`)).status).toBe(200);

    running[0]?.drop();
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}${path}?since=2030-01-01`, { headers: { cookie } })).status === 200, 10_000);
  } finally {
    for (const download of downloads) download.drop();
  }
});

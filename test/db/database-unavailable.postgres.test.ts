import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import type { PoolClient } from 'pg';
import { letters } from '../../server/db/schema.js';
import { openPostgresDatabase, type PostgresDatabase } from '../../server/db/postgres-database.js';
import { createErrorHandler } from '../../server/web/error-handler.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildLetter } from '../helpers/factories.js';

/*
 * A request that cannot reach PostgreSQL in time (every pooled connection busy, the server
 * refusing connections) is answered 503 with Retry-After within DATABASE_BUSY_TIMEOUT_MS, like
 * SQLite's held write lock: never a request left waiting for ever, never a 500.
 */
/** A TCP server that takes connections and never says a word, closed after the test. */
let silent: Server | undefined;
const sockets: Socket[] = [];
async function silentServerPort(): Promise<number> {
  silent = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent!.listen(0, '127.0.0.1', resolve));
  return (silent.address() as AddressInfo).port;
}

let t: TestApp | undefined;
const held: PoolClient[] = [];
afterEach(async () => {
  for (const client of held.splice(0)) client.release();
  await t?.close();
  t = undefined;
  for (const socket of sockets.splice(0)) socket.destroy();
  await new Promise((resolve) => (silent ? silent.close(resolve) : resolve(undefined)));
  silent = undefined;
});

describe('PostgreSQL out of reach', () => {
  it('when every pooled connection is taken (stalled downloads, say), then a page is answered 503 with Retry-After within the busy timeout, and works again once one is free', async () => {
    t = await buildTestApp({ env: { DATABASE_POOL_SIZE: '2', DATABASE_BUSY_TIMEOUT_MS: '300' } });
    const letter = await buildLetter(t.ctx);
    const { pool } = t.database as PostgresDatabase;
    held.push(await pool.connect(), await pool.connect());
    const started = Date.now();
    const busy = await request(t.app).get(`/letters/${letter.slug}/signatories?q=anyone`);
    expect(busy.status).toBe(503);
    expect(busy.headers['retry-after']).toBeDefined();
    expect(Date.now() - started).toBeLessThan(10_000);
    held.splice(0).forEach((client) => client.release());
    expect((await request(t.app).get(`/letters/${letter.slug}/signatories?q=anyone`)).status).toBe(200);
  });

  it.each([
    ['refuses connections', async () => 1],
    ['accepts connections but never answers (a frozen host)', silentServerPort],
  ])('when the server %s, then the answer is a 503, not a 500', async (_case, portOf) => {
    const database = openPostgresDatabase(`postgres://nobody:secret@127.0.0.1:${await portOf()}/nothing`, { connectionWaitMs: 1000 });
    const app = express();
    app.get('/', async (_req, res, next) => {
      try {
        res.json(await database.select().from(letters));
      } catch (error) {
        next(error);
      }
    });
    app.use(createErrorHandler(pino({ level: 'silent' })));
    try {
      const res = await request(app).get('/').set('Accept', 'application/json');
      expect(res.status).toBe(503);
      expect(res.body.error.id).toBe('database-busy');
    } finally {
      await database.close();
    }
  });
});

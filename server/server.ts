import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { startBackgroundCheckpoints } from './db/background-checkpoints.js';
import { openDatabase, type DatabaseHandle } from './db/client.js';
import { migrateDatabase } from './db/migrate.js';
import { startScheduledJobs, type ScheduledJobs } from './jobs/scheduler.js';
import { seedDemoLetterIfEmpty } from './letters/demo-letter.js';
import { createDevTransport, createSmtpTransport, smtpSettingsOf, type MailTransport } from './mail/transport.js';
import { createOutboxWorker, type OutboxWorker } from './mail/worker.js';

export interface RunningServer {
  server: Server;
  database: DatabaseHandle;
  worker: OutboxWorker;
  jobs: ScheduledJobs;
  url: string;
  /** Stops accepting, lets requests in flight finish, stops the jobs and the mail worker, closes the database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  now?: () => Date;
  transport?: MailTransport;
  pollMs?: number;
}

/** config → database → migrations → app → listen. */
export async function startServer(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningServer> {
  const now = options.now ?? (() => new Date());
  const database = openDatabase(config.databasePath);
  try {
    migrateDatabase(database);
    if (config.seedDemoLetter && seedDemoLetterIfEmpty(database.db, now())) logger.info('seeded the demo letter');
  } catch (error) {
    database.close();
    throw error;
  }

  const { smtpUrl } = config;
  const transport = options.transport ?? (smtpUrl ? createSmtpTransport(smtpSettingsOf({ ...config, smtpUrl })) : createDevTransport(config.mailFrom));
  const worker = createOutboxWorker({
    db: database.db,
    transport,
    logger,
    now,
    retryHours: config.mailRetryHours,
    eraseSentBodies: transport.kind === 'smtp' && config.isProduction,
    ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
  });
  const { app, ctx } = createApp({ config, db: database.db, logger, now, notifyOutbox: worker.notify, mailOutage: worker.outage });

  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.port, config.host, (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  server.keepAliveTimeout = 5_000;
  // Started once listening, so a failed start leaves no thread behind.
  const checkpoints = startBackgroundCheckpoints(database, logger);
  worker.start();
  const jobs = startScheduledJobs(ctx, config.jobsIntervalMinutes);
  const { port } = server.address() as AddressInfo;
  logger.info({ url: `http://${config.host}:${port}`, mail: transport.kind }, 'undersigned is listening');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      jobs.stop();
      await new Promise<void>((resolve) => {
        // Keep-alive sockets go idle one by one as their last response is sent; close each as it does.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        server.close(() => {
          clearInterval(sweep);
          resolve();
        });
        server.closeIdleConnections();
      });
      await worker.stop();
      await checkpoints.stop();
      database.close();
    })());

  return { server, database, worker, jobs, url: `http://${config.host}:${port}`, stop };
}

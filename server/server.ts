import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { startBackgroundCheckpoints } from './db/background-checkpoints.js';
import { startScheduledJobs, type ScheduledJobs } from './jobs/index.js';
import { startUpdateFiller } from './updates/index.js';
import { seedDemoLetterIfEmpty } from './letters/index.js';
import { startMailWorker, type MailTransport, type MailWorker } from './mail/index.js';
import { openDatabase, openMigratedDatabase } from './db/client.js';
import type { Database } from './db/database.js';

export interface RunningServer {
  server: Server;
  database: Database;
  worker: MailWorker;
  jobs: ScheduledJobs;
  url: string;
  /** Stops accepting, lets requests in flight finish, stops the jobs and the mail worker, closes the database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  now?: () => Date;
  transport?: MailTransport;
  pollMs?: number;
  /**
   * Another process (the cluster's primary) has migrated the database and seeded the demo letter:
   * open it as it is, so several processes starting together do not each migrate.
   */
  databasePrepared?: boolean;
}

/** The configured database with its pending migrations applied and, if configured, the demo letter seeded. */
export async function prepareDatabase(config: Config, logger: Logger, now: () => Date = () => new Date()): Promise<Database> {
  const database = await openMigratedDatabase(config);
  try {
    if (config.seedDemoLetter && (await seedDemoLetterIfEmpty(database, now()))) logger.info('seeded the demo letter');
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** config → database → migrations → app → listen. */
export async function startServer(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningServer> {
  const now = options.now ?? (() => new Date());
  const database = options.databasePrepared ? openDatabase(config) : await prepareDatabase(config, logger, now);

  // The worker starts once the server listens; requests before that leave mail for its first run.
  const mail: { worker?: MailWorker } = {};
  const { app, ctx } = createApp({
    config,
    db: database,
    logger,
    now,
    notifyOutbox: () => mail.worker?.notify(),
    mailOutage: () => mail.worker?.outage(),
    mailWorkerState: () => mail.worker?.state() ?? { state: 'running' },
  });

  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.port, config.host, (error?: Error) => (error ? reject(error) : resolve(listening)));
  }).catch(async (error: unknown) => {
    // The port is taken, say: nothing else started yet, so the database is all there is to close.
    await database.close();
    throw error;
  });
  server.keepAliveTimeout = 5_000;
  // Started once listening, so a failed start leaves no thread behind.
  const checkpoints = startBackgroundCheckpoints(database, logger);
  const worker = startMailWorker(config, logger, { db: database, ...pick(options) });
  mail.worker = worker;
  const jobs = startScheduledJobs(ctx, config.jobsIntervalMinutes);
  const updates = startUpdateFiller(ctx, config.updateMailsPerMinute);
  const { port } = server.address() as AddressInfo;
  logger.info({ url: `http://${config.host}:${port}`, mail: worker.kind, mailWorker: worker.runsIn }, 'undersigned is listening');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      jobs.stop();
      const updatesStopped = updates.stop();
      await new Promise<void>((resolve) => {
        // Keep-alive sockets go idle one by one as their last response is sent; close each as it does.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        server.close(() => {
          clearInterval(sweep);
          resolve();
        });
        server.closeIdleConnections();
      });
      await updatesStopped;
      await worker.stop();
      await checkpoints.stop();
      await database.close();
    })());

  return { server, database, worker, jobs, url: `http://${config.host}:${port}`, stop };
}

/** The worker options a caller set, without keys it left undefined. */
const pick = ({ now, transport, pollMs }: StartOptions) => ({
  ...(now ? { now } : {}),
  ...(transport ? { transport } : {}),
  ...(pollMs === undefined ? {} : { pollMs }),
});

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { startBackgroundCheckpoints } from './db/background-checkpoints.js';
import { startScheduledJobs, type ScheduledJobs } from './jobs/index.js';
import { seedDemoLetterIfEmpty } from './letters/index.js';
import { startMailWorker, type MailTransport, type MailWorker } from './mail/index.js';
import { openMigratedDatabase } from './db/client.js';
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
}

/** config → database → migrations → app → listen. */
export async function startServer(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningServer> {
  const now = options.now ?? (() => new Date());
  const database = await openMigratedDatabase(config);
  try {
    if (config.seedDemoLetter && (await seedDemoLetterIfEmpty(database, now()))) logger.info('seeded the demo letter');
  } catch (error) {
    await database.close();
    throw error;
  }

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
  });
  server.keepAliveTimeout = 5_000;
  // Started once listening, so a failed start leaves no thread behind.
  const checkpoints = startBackgroundCheckpoints(database, logger);
  const worker = startMailWorker(config, logger, { db: database, ...pick(options) });
  mail.worker = worker;
  const jobs = startScheduledJobs(ctx, config.jobsIntervalMinutes);
  const { port } = server.address() as AddressInfo;
  logger.info({ url: `http://${config.host}:${port}`, mail: worker.kind, mailWorker: worker.runsIn }, 'undersigned is listening');

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

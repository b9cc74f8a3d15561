import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { FromOutboxThread, OutboxThreadData, ToOutboxThread } from './outbox-thread.js';
import { createMailTransport, type MailTransport } from './transport.js';
import { createOutboxWorker, type MailOutage } from './worker.js';

/** The server's view of its outbox worker, wherever it runs. */
export interface MailWorker {
  readonly kind: MailTransport['kind'];
  /** Where it runs: its own thread, or the main one (tests with their own clock or transport). */
  readonly runsIn: 'thread' | 'main';
  /** A mail was queued: send soon rather than at the next poll. */
  notify(): void;
  outage(): MailOutage | undefined;
  stop(): Promise<void>;
}

export interface MailWorkerOptions {
  db: Database;
  now?: () => Date;
  transport?: MailTransport;
  pollMs?: number;
}

/** The thread's entry: the built JavaScript, or the TypeScript source loaded through tsx. */
function threadEntry(): { file: URL; entry?: string } {
  const built = new URL('./outbox-thread.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return { file: built };
  return { file: new URL('./outbox-thread-tsx.mjs', import.meta.url), entry: new URL('./outbox-thread.ts', import.meta.url).href };
}

/**
 * Starts the outbox worker in a thread of its own, or in the main thread when a test hands it a
 * clock or a transport (which cannot cross to another thread).
 */
export function startMailWorker(config: Config, logger: Logger, options: MailWorkerOptions): MailWorker {
  const inMain = options.now !== undefined || options.transport !== undefined;
  return inMain ? startInMainThread(config, logger, options) : startInThread(config, logger, options.pollMs);
}

function startInMainThread(config: Config, logger: Logger, options: MailWorkerOptions): MailWorker {
  const transport = options.transport ?? createMailTransport(config);
  const worker = createOutboxWorker({
    db: options.db,
    transport,
    logger,
    now: options.now ?? (() => new Date()),
    retryHours: config.mailRetryHours,
    eraseSentBodies: transport.kind === 'smtp' && config.isProduction,
    ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
  });
  worker.start();
  return { kind: transport.kind, runsIn: 'main', notify: worker.notify, outage: worker.outage, stop: worker.stop };
}

function startInThread(config: Config, logger: Logger, pollMs: number | undefined): MailWorker {
  const { file, entry } = threadEntry();
  const thread = new Worker(file, { workerData: { config, pollMs, entry } satisfies OutboxThreadData & { entry?: string } });
  let outage: MailOutage | undefined;
  let stopped: Promise<void> | undefined;
  const send = (message: ToOutboxThread) => thread.postMessage(message);
  thread.on('message', (message: FromOutboxThread) => {
    if (typeof message === 'object') outage = message.outage;
  });
  thread.on('error', (error) => logger.error({ err: error }, 'the mail worker thread failed'));
  return {
    kind: config.smtpUrl ? 'smtp' : 'dev',
    runsIn: 'thread',
    notify: () => {
      if (!stopped) send('notify');
    },
    outage: () => outage,
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        // Sends in flight finish and record their outcome; a thread that cannot is ended after 10 s.
        const force = setTimeout(() => void thread.terminate(), 10_000);
        thread.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        thread.on('message', (message: FromOutboxThread) => message === 'stopped' && void thread.terminate());
        send('stop');
      })),
  };
}

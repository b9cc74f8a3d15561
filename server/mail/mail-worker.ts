import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { FromOutboxThread, OutboxThreadData, ToOutboxThread } from './outbox-thread.js';
import { createMailViews } from './compose.js';
import { createMailTransport, type MailTransport } from './transport.js';
import { createOutboxWorker, type MailOutage, type OutboxWorkerState } from './worker.js';

/** Whether mail is being processed, for the dashboard and /healthz (an SMTP outage is told apart: see `outage`). */
export type MailWorkerState =
  | { state: 'running' }
  /** Another process has held the database's write lock past busy_timeout: mail waits for it. */
  | { state: 'waiting-for-database'; since: Date }
  /** The worker's thread failed and is being started again. */
  | { state: 'stopped'; since: Date; problem: string };

/** The server's view of its outbox worker, wherever it runs. */
export interface MailWorker {
  readonly kind: MailTransport['kind'];
  /** Where it runs: its own thread, or the main one (tests with their own clock or transport). */
  readonly runsIn: 'thread' | 'main';
  /** A mail was queued: send soon rather than at the next poll. */
  notify(): void;
  outage(): MailOutage | undefined;
  state(): MailWorkerState;
  /** The thread it runs in now: undefined in the main thread, or while a failed thread waits to be started again. */
  currentThread(): Worker | undefined;
  stop(): Promise<void>;
}

export interface MailWorkerOptions {
  db: Database;
  now?: () => Date;
  transport?: MailTransport;
  pollMs?: number;
}

export const mailWorkerStateOf = (seen: OutboxWorkerState): MailWorkerState =>
  seen.waitingForDatabaseSince ? { state: 'waiting-for-database', since: seen.waitingForDatabaseSince } : { state: 'running' };

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
    views: createMailViews(),
    ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
  });
  worker.start();
  return {
    kind: transport.kind,
    runsIn: 'main',
    notify: worker.notify,
    outage: worker.outage,
    state: () => mailWorkerStateOf(worker.state()),
    currentThread: () => undefined,
    stop: worker.stop,
  };
}

/**
 * A thread that fails is started again after 1 s, doubling up to a minute while it keeps failing;
 * one that ran for a minute before it failed starts the sequence afresh.
 */
const FIRST_RESTART_MS = 1000;
const LONGEST_RESTART_MS = 60_000;
const STEADY_MS = 60_000;

const NOTHING_SEEN: OutboxWorkerState = { outage: undefined, waitingForDatabaseSince: undefined };

/** Runs the worker in a thread, and starts a new thread whenever one ends without being asked to: mail never stops silently. */
function startInThread(config: Config, logger: Logger, pollMs: number | undefined): MailWorker {
  const { file, entry } = threadEntry();
  let thread: Worker | undefined;
  let seen = NOTHING_SEEN;
  let down: { since: Date; problem: string } | undefined;
  let failures = 0;
  let restart: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  let notifying = false;

  const launch = () => {
    restart = undefined;
    const startedAt = Date.now();
    let failure: Error | undefined;
    const current = new Worker(file, { workerData: { config, pollMs, entry } satisfies OutboxThreadData & { entry?: string } });
    thread = current;
    current.on('message', (message: FromOutboxThread) => {
      if (typeof message !== 'object') return;
      seen = message;
      if (!down) return;
      logger.info({ since: down.since }, 'the mail worker thread is running again');
      down = undefined;
    });
    current.on('error', (error) => {
      failure = error;
    });
    current.on('exit', (exitCode) => {
      if (thread === current) thread = undefined;
      if (stopping) return;
      if (Date.now() - startedAt >= STEADY_MS) failures = 0;
      failures += 1;
      const waitMs = Math.min(FIRST_RESTART_MS * 2 ** (failures - 1), LONGEST_RESTART_MS);
      const problem = failure ? `its thread failed (${failure.message})` : 'its thread ended unexpectedly';
      down = { since: down?.since ?? new Date(), problem };
      seen = NOTHING_SEEN;
      logger.error({ err: failure, exitCode, restartInMs: waitMs }, `the mail worker thread stopped: ${problem}; starting it again in ${waitMs / 1000} s`);
      restart = setTimeout(launch, waitMs);
      restart.unref();
    });
  };
  launch();

  return {
    kind: config.smtpUrl ? 'smtp' : 'dev',
    runsIn: 'thread',
    notify: () => {
      // One message for all the mail a turn of the event loop queued: under a surge that is a
      // score of signatures, and the thread drains everything due whichever told it.
      if (stopping || notifying) return;
      notifying = true;
      setImmediate(() => {
        notifying = false;
        if (!stopping) thread?.postMessage('notify' satisfies ToOutboxThread);
      });
    },
    outage: () => seen.outage,
    state: () => (down ? { state: 'stopped', ...down } : mailWorkerStateOf(seen)),
    currentThread: () => thread,
    stop: () =>
      (stopping ??= new Promise<void>((resolve) => {
        clearTimeout(restart);
        const current = thread;
        if (!current) return resolve();
        // Sends in flight finish and record their outcome; a thread that cannot is ended after 10 s.
        const force = setTimeout(() => void current.terminate(), 10_000);
        current.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        current.on('message', (message: FromOutboxThread) => message === 'stopped' && void current.terminate());
        current.postMessage('stop' satisfies ToOutboxThread);
      })),
  };
}

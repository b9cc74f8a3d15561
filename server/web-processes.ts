import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { prepareDatabase, startServer, type RunningServer, type StartOptions } from './server.js';

/** How long requests in flight get to finish after SIGTERM or SIGINT before the process gives up on them. */
export const STOP_TIMEOUT_MS = 20_000;

const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * One web process: starts the server and, on SIGTERM or SIGINT, stops it gracefully (requests in
 * flight finish, the jobs and the mail worker stop, the database closes) and exits 0, or 1 if
 * stopping fails or takes longer than STOP_TIMEOUT_MS. The process `npm start` runs with
 * WEB_CONCURRENCY=1, and each cluster worker otherwise.
 */
export async function serveUntilSignalled(config: Config, logger: Logger, options: StartOptions = {}): Promise<void> {
  const state: { running?: RunningServer; signal?: string } = {};
  const stop = (running: RunningServer, signal: string) => {
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    exitAfter(running.stop(), logger, 'requests still in flight after 20 s; exiting anyway');
  };
  // Listening for the signals before starting: a worker told to stop while it starts stops once started.
  for (const signal of STOP_SIGNALS) {
    process.on(signal, () => {
      if (state.signal) return;
      state.signal = signal;
      if (state.running) stop(state.running, signal);
    });
  }
  state.running = await startServer(config, logger, options);
  if (state.signal) stop(state.running, state.signal);
}

/** Exits 0 once `work` is done, 1 if it fails or is not done within STOP_TIMEOUT_MS. */
function exitAfter(work: Promise<void>, logger: Logger, lateMessage: string): void {
  const force = setTimeout(() => {
    logger.error(lateMessage);
    process.exit(1);
  }, STOP_TIMEOUT_MS);
  force.unref();
  work.then(
    () => {
      logger.info('stopped cleanly');
      process.exit(0);
    },
    (error: unknown) => {
      logger.error({ err: error }, 'error while stopping');
      process.exit(1);
    },
  );
}

export interface RestartGuardOptions {
  /** A worker that dies before it listened, or sooner than this after, died "at start". */
  quickExitMs: number;
  /** This many deaths at start in a row, and the primary stops replacing workers. */
  maxQuickExits: number;
}

export const RESTART_GUARD: RestartGuardOptions = { quickExitMs: 10_000, maxQuickExits: 5 };

/**
 * Decides whether a dead worker is replaced: yes, unless workers keep dying at start (a port
 * taken, a database that refuses us, a bug at start-up), where forking again would only loop.
 * Time is counted from listening, not from forking: on a busy machine loading the server alone
 * can take longer than `quickExitMs`. A worker that served longer resets the count.
 */
export function createRestartGuard({ quickExitMs, maxQuickExits }: RestartGuardOptions = RESTART_GUARD) {
  let quickExitsInARow = 0;
  return {
    /** Records a worker's death `listenedMs` after it listened (undefined: it never did); true when another should be started. */
    shouldReplace(listenedMs: number | undefined): boolean {
      quickExitsInARow = listenedMs === undefined || listenedMs < quickExitMs ? quickExitsInARow + 1 : 0;
      return quickExitsInARow < maxQuickExits;
    },
  };
}

/**
 * The cluster's primary (WEB_CONCURRENCY above 1): migrates the database and seeds the demo letter
 * once, then keeps `config.webConcurrency` workers running, each a whole server (serveUntilSignalled)
 * sharing the listening port round-robin. A worker that dies is replaced, unless they keep dying at
 * start. On SIGTERM or SIGINT every worker is told to stop gracefully; resolves with the exit code:
 * 0 when all stopped cleanly, 1 when one failed, did not stop within STOP_TIMEOUT_MS, or the
 * workers kept dying.
 */
export async function runPrimary(config: Config, logger: Logger, guardOptions: RestartGuardOptions = RESTART_GUARD): Promise<number> {
  // Once, here: workers starting together must not each migrate, nor each seed the demo letter.
  await (await prepareDatabase(config, logger)).close();

  cluster.schedulingPolicy = cluster.SCHED_RR;
  const guard = createRestartGuard(guardOptions);
  const startedAt = new Map<Worker, number>();
  const listenedAt = new Map<Worker, number>();
  let stopping = false;
  let failed = false;

  return new Promise<number>((resolve) => {
    const finishIfAllExited = () => {
      if (startedAt.size > 0) return;
      if (!failed) logger.info('every web process stopped cleanly');
      resolve(failed ? 1 : 0);
    };
    const stopAll = (reason: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ reason, workers: startedAt.size }, 'stopping the web processes: each finishes its requests in flight');
      for (const worker of startedAt.keys()) worker.process.kill('SIGTERM');
      setTimeout(() => {
        logger.error({ workers: [...startedAt.keys()].map((worker) => worker.process.pid) }, `web processes still running after ${STOP_TIMEOUT_MS / 1000} s; killing them`);
        for (const worker of startedAt.keys()) worker.process.kill('SIGKILL');
        resolve(1);
      }, STOP_TIMEOUT_MS).unref();
      finishIfAllExited();
    };
    const fork = () => {
      const worker = cluster.fork();
      startedAt.set(worker, Date.now());
      worker.once('online', () => logger.info({ workerPid: worker.process.pid }, 'started a web process'));
      worker.once('listening', () => listenedAt.set(worker, Date.now()));
    };

    cluster.on('exit', (worker, code, signal) => {
      const now = Date.now();
      const listened = listenedAt.get(worker);
      const death = { workerPid: worker.process.pid, code, signal, livedMs: now - (startedAt.get(worker) ?? now), listenedMs: listened === undefined ? undefined : now - listened };
      startedAt.delete(worker);
      listenedAt.delete(worker);
      if (stopping) {
        // One stopped before it listened had nothing in flight: its handlers were not there yet.
        if (code !== 0 && listened !== undefined) {
          failed = true;
          logger.error(death, 'a web process did not stop cleanly');
        }
        return finishIfAllExited();
      }
      if (guard.shouldReplace(death.listenedMs)) {
        logger.error(death, 'a web process died; starting another');
        return fork();
      }
      failed = true;
      logger.fatal(death, `web processes keep dying at start, before listening or within ${guardOptions.quickExitMs / 1000} s of it (${guardOptions.maxQuickExits} in a row): not starting more; stopping`);
      stopAll('workers keep dying at start');
    });
    for (const signal of STOP_SIGNALS) process.on(signal, () => stopAll(signal));
    logger.info({ workers: config.webConcurrency }, 'starting the web processes');
    for (let i = 0; i < config.webConcurrency; i += 1) fork();
  });
}

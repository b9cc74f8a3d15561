/**
 * The outbox worker's own thread (see startMailWorker). Under a signing surge the main thread's
 * event loop turns slowly, each turn answering a score of requests; every SMTP round trip (five or
 * so per mail) waited for one, so mail fell minutes behind. Here the SMTP conversation has an
 * event loop of its own, and the thread has its own connection to the database file.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../config.js';
import { leaveCheckpointsToServer } from '../db/background-checkpoints.js';
import { openDatabase } from '../db/client.js';
import { createLogger } from '../web/logger.js';
import { createMailViews } from './compose.js';
import { createMailTransport } from './transport.js';
import { createOutboxWorker, type OutboxWorkerState } from './worker.js';

export interface OutboxThreadData {
  config: Config;
  pollMs: number | undefined;
}

/** The worker's state, sent once when the thread is up and again whenever it changes; 'stopped' answers 'stop'. */
export type FromOutboxThread = OutboxWorkerState | 'stopped';
export type ToOutboxThread = 'notify' | 'stop';

const port = parentPort;
if (!port) throw new Error('outbox-thread runs in a worker thread');
const { config, pollMs } = workerData as OutboxThreadData;
const database = openDatabase(config, { applicationName: 'undersigned mail' });
leaveCheckpointsToServer(database);
const transport = createMailTransport(config);
const worker = createOutboxWorker({
  db: database,
  transport,
  logger: createLogger(config.logLevel),
  now: () => new Date(),
  retryHours: config.mailRetryHours,
  eraseSentBodies: transport.kind === 'smtp' && config.isProduction,
    views: createMailViews(),
  ...(pollMs === undefined ? {} : { pollMs }),
  onStateChange: (state) => port.postMessage(state satisfies FromOutboxThread),
});
worker.start();
port.postMessage(worker.state() satisfies FromOutboxThread);

port.on('message', (message: ToOutboxThread) => {
  if (message === 'notify') return worker.notify();
  void worker.stop().then(async () => {
    await database.close();
    port.postMessage('stopped' satisfies FromOutboxThread);
  });
});

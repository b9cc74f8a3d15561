import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { isSqlite } from './client.js';
import type { Database } from './database.js';

/** SQLite's own default: checkpoint on the commit that takes the WAL past this many pages. */
const COMMIT_CHECKPOINT_PAGES = 1000;

/**
 * The worker's loop, plain JavaScript so the same text runs under tsx, vitest and the build: a
 * connection of its own that copies the WAL back into the database file every interval. PASSIVE
 * never waits for or blocks readers and writers.
 */
const CHECKPOINT_LOOP = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface BackgroundCheckpoints {
  /** Stops the worker and hands checkpoints back to commits; call before closing the database. */
  stop(): Promise<void>;
}

/**
 * Moves WAL checkpoints off the event loop. By default the commit that fills the WAL copies it
 * into the database file and waits for the disk twice (fsync) while every request waits behind
 * it; measured under a signing load, that halved throughput. Here commits never checkpoint, and
 * a worker thread does it on its own connection. Should the worker fail, commits do it again.
 */
export function startBackgroundCheckpoints(database: Database, logger: Logger, intervalMs = 500): BackgroundCheckpoints {
  // PostgreSQL checkpoints by itself, off the application's path.
  if (!isSqlite(database)) return { stop: async () => {} };
  const sqlite = database.connection;
  if (sqlite.memory) return { stop: async () => {} };
  const checkpointOnCommit = () => {
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${COMMIT_CHECKPOINT_PAGES}`);
  };
  const worker = new Worker(CHECKPOINT_LOOP, {
    eval: true,
    workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), path: sqlite.name, intervalMs },
  });
  worker.unref();
  sqlite.pragma('wal_autocheckpoint = 0');
  worker.on('error', (error) => {
    logger.error({ err: error }, 'background checkpoints failed; commits checkpoint again');
    checkpointOnCommit();
  });
  return {
    async stop() {
      if (worker.threadId !== -1) {
        const exited = once(worker, 'exit');
        worker.postMessage('stop');
        await exited;
      }
      checkpointOnCommit();
    },
  };
}

/**
 * For another connection of this process to the server's file (the mail worker's thread): the
 * server's checkpoint thread copies the WAL back, so a commit here need not stop to do it and
 * wait for the disk. PostgreSQL checkpoints by itself.
 */
export function leaveCheckpointsToServer(database: Database): void {
  if (isSqlite(database)) database.connection.pragma('wal_autocheckpoint = 0');
}

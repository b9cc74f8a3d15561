import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema>;

/** The raw SQLite connection, for the few engine-specific fast paths (the CSV export's reader, the dev seed's bulk insert). */
export type SqliteConnection = Database.Database;

export interface DatabaseHandle {
  sqlite: SqliteConnection;
  db: Db;
  close(): void;
}

export interface DatabaseOptions {
  /** How long a write waits for the write lock another connection holds (DATABASE_BUSY_TIMEOUT_MS). */
  busyTimeoutMs?: number;
}

/** Opens (and creates, with its folder) the SQLite file with the pragmas every connection needs. */
export function openDatabase(path: string, options: DatabaseOptions = {}): DatabaseHandle {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  const db = drizzle(sqlite, { schema });
  beginWritesImmediately(db);
  return {
    sqlite,
    db,
    close: () => {
      if (sqlite.open) sqlite.close();
    },
  };
}

/**
 * Every transaction starts with BEGIN IMMEDIATE unless it asks otherwise. A deferred transaction
 * reads first and takes the write lock only at its first write; if another process (a CLI
 * command, a second server) holds the lock then, or wrote since the read began, SQLite answers
 * SQLITE_BUSY at once without waiting for busy_timeout, and the request fails with a 500.
 * Taking the lock at BEGIN makes every writer wait its turn for up to busy_timeout; past it the
 * error is SQLITE_BUSY (see isDatabaseBusy), which a request answers 503 and the mail worker waits out.
 */
function beginWritesImmediately(db: Db): void {
  const transaction = db.transaction.bind(db);
  db.transaction = ((run, config) => transaction(run, { behavior: 'immediate', ...config })) as Db['transaction'];
}

import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { isSqlite } from './client.js';
import type { Database as AnyDatabase } from './database.js';

export interface BackupResult {
  bytes: number;
  /** `ok`, or SQLite's list of problems. */
  integrity: string;
}

/**
 * Copies a live database with SQLite's online backup (readers and writers carry on meanwhile), makes
 * the copy a single self-contained file, and checks it the way a restore would need it to be.
 */
export async function backupDatabase(database: AnyDatabase, destination: string): Promise<BackupResult> {
  if (!isSqlite(database)) {
    throw new BackupError('the database is PostgreSQL (DATABASE_URL): back it up with pg_dump, e.g. pg_dump --format=custom --file=FILE "$DATABASE_URL", or with base backups');
  }
  const source = database.connection;
  if (existsSync(destination)) throw new BackupError(`${destination} already exists; choose a new file name`);
  mkdirSync(dirname(destination), { recursive: true });
  await source.backup(destination);
  const copy = new Database(destination);
  try {
    // The copy inherits WAL mode; a backup should not need -wal/-shm files beside it.
    copy.pragma('journal_mode = DELETE');
    const rows = copy.pragma('integrity_check') as Array<{ integrity_check: string }>;
    return { bytes: statSync(destination).size, integrity: rows.map((row) => row.integrity_check).join('; ') };
  } finally {
    copy.close();
  }
}

export class BackupError extends Error {
  override name = 'BackupError';
}

import Database from 'better-sqlite3';
import type { SqliteDatabase } from './sqlite-database.js';

export interface ReadConnection {
  sqlite: Database.Database;
  close(): void;
}

/**
 * A read-only connection of its own for a long read that waits on a slow consumer (a streamed
 * export). While a better-sqlite3 iterator is open its connection cannot write, so iterating on
 * the shared connection would make every signing fail until the download finished; a second
 * connection reads one consistent WAL snapshot and leaves the shared one free. An in-memory
 * database cannot be opened twice, so it is read through the shared connection.
 */
export function openReadConnection(database: SqliteDatabase): ReadConnection {
  const shared = database.connection;
  if (shared.memory) return { sqlite: shared, close: () => {} };
  const sqlite = new Database(shared.name, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  return {
    sqlite,
    close: () => {
      if (sqlite.open) sqlite.close();
    },
  };
}

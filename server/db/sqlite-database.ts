import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { markSqliteHandles, type Database, type Tx } from './database.js';
import * as schema from './schema.js';
import { gateFor, GroupCommit, SqliteWriter } from './sqlite-writes.js';

export interface SqliteDatabase extends Database {
  readonly engine: 'sqlite';
  /** The connection every write goes through (migrations, backups and checkpoints need it by hand). */
  readonly connection: BetterSqlite3.Database;
  /** The file, or ':memory:'. */
  readonly path: string;
}

export interface SqliteOptions {
  /** How long a writer waits for another process's lock before SQLite answers SQLITE_BUSY. */
  busyTimeoutMs?: number;
}

/** Opens a connection with the settings every connection to the file needs. */
export function openSqliteConnection(path: string, options: { readonly?: boolean; busyTimeoutMs?: number } = {}): BetterSqlite3.Database {
  const connection = options.readonly ? new BetterSqlite3(path, { readonly: true, fileMustExist: true }) : new BetterSqlite3(path);
  if (!options.readonly) {
    connection.pragma('journal_mode = WAL');
    connection.pragma('synchronous = NORMAL');
    connection.pragma('foreign_keys = ON');
  }
  connection.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  return connection;
}

/**
 * The SQLite file behind the Database interface. Two connections: writes, one transaction at a
 * time, go through the writer; every read outside a transaction goes through a read-only reader,
 * which in WAL mode sees the last commit and never another request's open transaction (a write's
 * awaits let other requests run in between, and on one shared connection they would read, and
 * cache, what might yet roll back). An in-memory database cannot be opened twice: it reads
 * through its one connection.
 */
export function openSqliteDatabase(path: string, options: SqliteOptions = {}): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const writer = openSqliteConnection(path, options);
  const reader = path === ':memory:' ? writer : openSqliteConnection(path, { readonly: true, busyTimeoutMs: options.busyTimeoutMs });
  const writes = drizzle(writer, { schema }) as unknown as Tx;
  const reads = (reader === writer ? writes : drizzle(reader, { schema })) as unknown as Tx;
  const gate = gateFor(path);
  const transactions = new SqliteWriter(writer, options.busyTimeoutMs ?? 5000);
  const grouped = new GroupCommit(gate, transactions, writes);

  const database: SqliteDatabase = {
    engine: 'sqlite',
    connection: writer,
    path,
    select: reads.select.bind(reads) as Tx['select'],
    selectDistinct: reads.selectDistinct.bind(reads) as Tx['selectDistinct'],
    $count: reads.$count.bind(reads) as Tx['$count'],
    write: (work, writeOptions) => {
      if (writeOptions?.grouped) return grouped.add(work);
      const giveUpAt = transactions.deadline();
      return gate.run(() => transactions.transaction(() => work(writes), giveUpAt));
    },
    close: async () => {
      await gate.idle();
      if (reader !== writer && reader.open) reader.close();
      if (writer.open) writer.close();
      gate.release();
    },
  };
  markSqliteHandles(database, writes, reads);
  return database;
}

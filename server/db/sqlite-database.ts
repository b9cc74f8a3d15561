import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { markSqliteHandles, type Database, type Tx, type WriteOptions } from './database.js';
import * as schema from './schema.js';

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

  const database: SqliteDatabase = {
    engine: 'sqlite',
    connection: writer,
    path,
    select: reads.select.bind(reads) as Tx['select'],
    selectDistinct: reads.selectDistinct.bind(reads) as Tx['selectDistinct'],
    $count: reads.$count.bind(reads) as Tx['$count'],
    write: (work, writeOptions) => gate.run(() => inTransaction(writer, writes, work, writeOptions)),
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

async function inTransaction<T>(writer: BetterSqlite3.Database, tx: Tx, work: (tx: Tx) => Promise<T>, _options: WriteOptions | undefined): Promise<T> {
  // IMMEDIATE takes the write lock now: a deferred transaction that read first and then found
  // another process writing would fail at once with SQLITE_BUSY instead of waiting its turn.
  writer.exec('BEGIN IMMEDIATE');
  try {
    const result = await work(tx);
    writer.exec('COMMIT');
    return result;
  } catch (error) {
    if (writer.inTransaction) writer.exec('ROLLBACK');
    throw error;
  }
}

/**
 * The gate of every Database this process opened on one file. Two connections of one thread must
 * never both be inside a transaction: the second's BEGIN IMMEDIATE would wait for the lock in
 * SQLite's busy handler, which sleeps the thread, so the first, waiting for the same thread to run
 * its next statement, could never commit. (Another thread or process waits harmlessly.)
 */
const gates = new Map<string, WriteGate>();

function gateFor(path: string): WriteGate {
  if (path === ':memory:') return new WriteGate(() => {});
  const key = resolve(path);
  let gate = gates.get(key);
  if (!gate) {
    const created = new WriteGate(() => gates.delete(key));
    gates.set(key, created);
    gate = created;
  }
  gate.users += 1;
  return gate;
}

/**
 * One write transaction at a time on the writer connection. A write started from inside another
 * would wait for itself for ever: it is refused at once instead (pass the transaction down).
 */
class WriteGate {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly inside = new AsyncLocalStorage<true>();
  users = 0;

  constructor(private readonly forget: () => void) {}

  /** One Database less on the file; the last one's leaving forgets the gate. */
  release(): void {
    this.users -= 1;
    if (this.users <= 0) this.forget();
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.inside.getStore()) return Promise.reject(new Error('a write transaction was started inside another; pass the transaction (tx) down instead'));
    const result = this.tail.then(() => this.inside.run(true, work));
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  idle(): Promise<unknown> {
    return this.tail;
  }
}

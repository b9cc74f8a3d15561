import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema.js';

export type Engine = 'sqlite' | 'postgres';

/**
 * What a use case writes its queries with: drizzle's query builder, always awaited. Tables are
 * declared once, in SQLite terms (server/db/schema.ts); on PostgreSQL the very same builder calls
 * run through drizzle's pg-core session, which reads only names and value mappings from a table
 * (postgres-schema.ts derives the PostgreSQL tables for its migrations from the same declarations).
 *
 * Only what both engines' builders share is used: await a query for its rows, take a single row
 * with `first()`, count changes with `.returning()`. SQLite's synchronous `.get()`, `.all()`,
 * `.run()` and `.values()` do not exist on PostgreSQL; the suite runs on both engines to keep it so.
 */
export type Tx = BaseSQLiteDatabase<'async', unknown, typeof schema>;

/** Reads outside a transaction: they see committed data only, never another request's open transaction. */
export type Reader = Pick<Tx, 'select' | 'selectDistinct' | '$count'>;

export interface WriteOptions {
  /** Why the work runs (for the log when it waits or fails). */
  label?: string;
  /**
   * The work may share its transaction with other grouped writes arriving at the same moment
   * (group commit), each in a savepoint of its own so one failure fails only its own caller; it
   * resolves after the shared commit. For short, frequent writes under load (signing). On
   * PostgreSQL each still runs alone: concurrent transactions share the log's flushes there already.
   */
  grouped?: boolean;
}

/**
 * One database, whichever engine holds it. Reads go straight to it; every change goes through
 * `write`, one transaction per user action: it commits when the work resolves and rolls back
 * when it throws, so nothing is ever half-written.
 */
export interface Database extends Reader {
  readonly engine: Engine;
  /**
   * Runs `work` in a write transaction. On SQLite: BEGIN IMMEDIATE (so a writer waits for another
   * process's lock up to busy_timeout instead of failing), one transaction at a time per process.
   * On PostgreSQL: READ COMMITTED on a pooled connection, retried on a deadlock or serialisation
   * failure. `work` must await only database calls: on SQLite it holds the process's only writer.
   */
  write<T>(work: (tx: Tx) => Promise<T>, options?: WriteOptions): Promise<T>;
  close(): Promise<void>;
}

/** The first row of a query, or undefined: `await first(tx.select().from(t).where(…))`. */
export async function first<Row>(query: { limit(count: number): PromiseLike<Row[]> }): Promise<Row | undefined> {
  const rows = await query.limit(1);
  return rows[0];
}

/** The only row a write with `.returning()` changed, or undefined. */
export async function only<Row>(query: PromiseLike<Row[]>): Promise<Row | undefined> {
  const rows = await query;
  return rows[0];
}

/**
 * The objects that query a SQLite connection: the engine's Database, its reader and its writer
 * transaction. better-sqlite3 answers synchronously, so helpers in server/db may run a cached
 * prepared statement on them at once (prepared.ts); anything else is PostgreSQL.
 */
const sqliteHandles = new WeakSet<object>();

export function markSqliteHandles(...handles: object[]): void {
  for (const handle of handles) sqliteHandles.add(handle);
}

/** For the small engine-specific helpers in server/db only; a use case never asks. */
export const engineOf = (db: Reader): Engine => (sqliteHandles.has(db) ? 'sqlite' : 'postgres');

/** The row an insert (or a write certain to change a row) with `.returning()` gave back. */
export async function one<Row>(query: PromiseLike<Row[]>): Promise<Row> {
  const [row] = await query;
  if (row === undefined) throw new Error('the write returned no row');
  return row;
}

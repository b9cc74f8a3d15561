import { getTableName, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { engineOf, type Reader, type Tx } from './database.js';

/**
 * Queries on the hot paths (every signing, every page view), written once for both engines with
 * `sql.placeholder()` for their values. On SQLite building the SQL and preparing the statement
 * cost more than running it: the statement is prepared once per connection and run at once
 * (better-sqlite3 answers synchronously), its answer handed back as a settled promise. On
 * PostgreSQL the query is simply sent with its values.
 */

type Values = Record<string, unknown>;
interface SqliteStatement {
  all(values?: Values): unknown;
  get(values?: Values): unknown;
  run(values?: Values): unknown;
}
interface PostgresStatement {
  execute(values?: Values): Promise<unknown>;
}
interface Preparable {
  prepare(): unknown;
}

/** Runs synchronous work as a promise: its result resolved, its exception rejected. */
function settled<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error);
  }
}

/** One prepared statement per SQLite handle (the Database reads on its reader, a transaction writes on the writer). */
function perHandle<D extends object>(build: (db: D) => Preparable): (db: D) => SqliteStatement {
  const statements = new WeakMap<object, SqliteStatement>();
  return (db) => {
    let statement = statements.get(db);
    if (statement === undefined) {
      statement = build(db).prepare() as SqliteStatement;
      statements.set(db, statement);
    }
    return statement;
  };
}

export interface PreparedQuery<Row, D extends Reader> {
  rows(db: D, values: Values): Promise<Row[]>;
  first(db: D, values: Values): Promise<Row | undefined>;
}

/**
 * A query that returns rows (a select, or a change with `.returning()`), with placeholders:
 * `rows` and `first` run it with values, a select on ctx.db or inside a write.
 */
export function preparedQuery<Row, D extends Reader = Reader>(build: (db: D) => PromiseLike<Row[]> & Preparable): PreparedQuery<Row, D> {
  const statementOn = perHandle(build);
  const rows = (db: D, values: Values): Promise<Row[]> =>
    engineOf(db) === 'sqlite' ? settled(() => statementOn(db).all(values) as Row[]) : ((build(db).prepare() as PostgresStatement).execute(values) as Promise<Row[]>);
  return {
    rows,
    first: (db, values) => (engineOf(db) === 'sqlite' ? settled(() => statementOn(db).get(values) as Row | undefined) : rows(db, values).then((found) => found[0])),
  };
}

/** A change with placeholders (an update or delete without returning), run inside a write. */
export function preparedChange(build: (tx: Tx) => Preparable): (tx: Tx, values: Values) => Promise<void> {
  const statementOn = perHandle(build);
  return async (tx, values) => {
    if (engineOf(tx) === 'sqlite') statementOn(tx).run(values);
    else await (build(tx).prepare() as PostgresStatement).execute(values);
  };
}

const insertsByHandle = new WeakMap<object, Map<string, SqliteStatement>>();

/**
 * A SQLite insert of one row prepared once per connection, table and set of columns (the values
 * are bound as placeholders, still converted by each column's mapping).
 */
function sqliteInsert(tx: Tx, table: SQLiteTable, values: Values, returning: boolean): SqliteStatement {
  let inserts = insertsByHandle.get(tx);
  if (!inserts) {
    inserts = new Map();
    insertsByHandle.set(tx, inserts);
  }
  const columns = Object.keys(values).sort();
  const key = `${getTableName(table)}|${returning}|${columns.join(',')}`;
  let statement = inserts.get(key);
  if (!statement) {
    const placeholders = Object.fromEntries(columns.map((column) => [column, sql.placeholder(column)]));
    const insert = tx.insert(table).values(placeholders as never);
    statement = (returning ? insert.returning().prepare() : insert.prepare()) as unknown as SqliteStatement;
    inserts.set(key, statement);
  }
  return statement;
}

/** Inserts one row. */
export async function insertRow<T extends SQLiteTable>(tx: Tx, table: T, values: T['$inferInsert']): Promise<void> {
  if (engineOf(tx) === 'sqlite') sqliteInsert(tx, table, values as Values, false).run(values as Values);
  else await tx.insert(table).values(values as never);
}

/** Inserts one row and returns it as stored. */
export async function insertReturning<T extends SQLiteTable>(tx: Tx, table: T, values: T['$inferInsert']): Promise<T['$inferSelect']> {
  if (engineOf(tx) === 'sqlite') return sqliteInsert(tx, table, values as Values, true).get(values as Values) as T['$inferSelect'];
  const [row] = (await tx.insert(table).values(values as never).returning()) as T['$inferSelect'][];
  return row as T['$inferSelect'];
}

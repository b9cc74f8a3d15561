import { getTableName, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './client.js';

/**
 * Builds a drizzle prepared query once per connection and reuses it: on the hot paths (every
 * signing, every page view) building the SQL and preparing the statement cost more than running it.
 * A transaction shares its database's session, so the same prepared query serves inside one.
 */
export function preparedPerConnection<T>(build: (db: Db) => T): (db: Db) => T {
  const bySession = new WeakMap<object, T>();
  return (db) => {
    const session = (db as unknown as { session: object }).session;
    let query = bySession.get(session);
    if (query === undefined) {
      query = build(db);
      bySession.set(session, query);
    }
    return query;
  };
}

type PreparedStatementLike = { run(values: Record<string, unknown>): unknown; get(values: Record<string, unknown>): unknown };
const insertsBySession = new WeakMap<object, Map<string, PreparedStatementLike>>();

/**
 * Inserts one row through a statement prepared once per connection, table and set of columns
 * (the values are bound as placeholders, still converted by each column's mapping). Returns the
 * inserted row when `returning` is set.
 */
function preparedInsert(db: Db, table: SQLiteTable, values: Record<string, unknown>, returning: boolean): PreparedStatementLike {
  const session = (db as unknown as { session: object }).session;
  let inserts = insertsBySession.get(session);
  if (!inserts) {
    inserts = new Map();
    insertsBySession.set(session, inserts);
  }
  const columns = Object.keys(values).sort();
  const key = `${getTableName(table)}|${returning}|${columns.join(',')}`;
  let statement = inserts.get(key);
  if (!statement) {
    const placeholders = Object.fromEntries(columns.map((column) => [column, sql.placeholder(column)]));
    const insert = db.insert(table).values(placeholders as never);
    statement = (returning ? insert.returning().prepare() : insert.prepare()) as unknown as PreparedStatementLike;
    inserts.set(key, statement);
  }
  return statement;
}

export function insertRow<T extends SQLiteTable>(db: Db, table: T, values: T['$inferInsert']): void {
  preparedInsert(db, table, values as Record<string, unknown>, false).run(values as Record<string, unknown>);
}

export function insertReturning<T extends SQLiteTable>(db: Db, table: T, values: T['$inferInsert']): T['$inferSelect'] {
  return preparedInsert(db, table, values as Record<string, unknown>, true).get(values as Record<string, unknown>) as T['$inferSelect'];
}

import { isSqlite } from '../../server/db/client.js';
import type { PostgresDatabase } from '../../server/db/postgres-database.js';
import type { TestApp } from './app.js';

/** Every row of a table, in a stable order whatever the engine returns them in. */
const sortedRows = (rows: unknown[]): unknown[] =>
  rows.map((row) => [JSON.stringify(row), row] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);

/**
 * The whole content of every table but those named, in a comparable form: equal snapshots before
 * and after a request prove it stored nothing. (Sessions are usually left out: every request
 * with a session moves its last-seen time.)
 */
export async function snapshotTables(t: Pick<TestApp, 'database'>, except: readonly string[] = ['sessions']): Promise<Record<string, unknown[]>> {
  const { database } = t;
  const snapshot: Record<string, unknown[]> = {};
  if (isSqlite(database)) {
    const sqlite = database.connection;
    const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name").pluck().all() as string[];
    for (const name of tables.filter((table) => !except.includes(table))) snapshot[name] = sortedRows(sqlite.prepare(`SELECT * FROM "${name}"`).all());
    return snapshot;
  }
  const { pool } = database as PostgresDatabase;
  const tables = (await pool.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name")).rows.map((row) => row.name);
  for (const name of tables.filter((table) => !except.includes(table))) snapshot[name] = sortedRows((await pool.query(`SELECT * FROM "${name}"`)).rows);
  return snapshot;
}

/**
 * SQLite's check of the file ('ok' when sound). PostgreSQL has no such check of a live database
 * short of the amcheck extension; there the constraints are checked at every statement, and the
 * check reports whether every foreign key still finds its row (deferred ones included).
 */
export async function integrityCheck(t: Pick<TestApp, 'database'>): Promise<unknown> {
  const { database } = t;
  if (isSqlite(database)) return database.connection.pragma('integrity_check', { simple: true });
  const client = await (database as PostgresDatabase).pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET CONSTRAINTS ALL IMMEDIATE');
    await client.query('ROLLBACK');
    return 'ok';
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    return error instanceof Error ? error.message : String(error);
  } finally {
    client.release();
  }
}

/** `?` placeholders as PostgreSQL's numbered ones. */
const numbered = (text: string): string => {
  let n = 0;
  return text.replace(/\?/g, () => `$${(n += 1)}`);
};

/**
 * Rows of a SQL statement written for both engines (`?` for each value), for tests that look at
 * or change the stored rows behind the application's back. Booleans read as SQLite's 1/0 or
 * PostgreSQL's true/false: compare them with Boolean() where it matters.
 */
export async function sqlRows<Row = Record<string, unknown>>(t: Pick<TestApp, 'database'>, text: string, ...params: unknown[]): Promise<Row[]> {
  const { database } = t;
  if (isSqlite(database)) {
    const statement = database.connection.prepare(text);
    if (statement.reader) return statement.all(...params) as Row[];
    statement.run(...params);
    return [];
  }
  return (await (database as PostgresDatabase).pool.query(numbered(text), params)).rows as Row[];
}

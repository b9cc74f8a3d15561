import type { Tx } from '../../server/db/database.js';
import type { SqliteDatabase } from '../../server/db/sqlite-database.js';
import type { TestApp } from './app.js';

/** The SQL better-sqlite3 is asked to prepare while `run` reads (inside a write, so on the writer connection a test can watch). */
export async function capturedSql(t: Pick<TestApp, 'database'>, run: (db: Tx) => Promise<unknown>): Promise<string[]> {
  const sqlite = (t.database as SqliteDatabase).connection;
  const prepare = sqlite.prepare.bind(sqlite);
  const seen: string[] = [];
  sqlite.prepare = ((source: string) => {
    seen.push(source);
    return prepare(source);
  }) as typeof sqlite.prepare;
  try {
    await t.database.write(run);
  } finally {
    sqlite.prepare = prepare as typeof sqlite.prepare;
  }
  return seen;
}

/** SQLite's EXPLAIN QUERY PLAN of a statement, every placeholder bound to 1, as one line per step. */
export function planOf(t: Pick<TestApp, 'database'>, source: string): string {
  const placeholders = source.match(/\?/g)?.length ?? 0;
  const rows = (t.database as SqliteDatabase).connection.prepare(`EXPLAIN QUERY PLAN ${source}`).all(...Array<number>(placeholders).fill(1)) as Array<{ detail: string }>;
  return rows.map((row) => row.detail).join('\n');
}

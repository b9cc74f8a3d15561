import BetterSqlite3 from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { projectPath } from '../lib/project-root.js';
import type { SqliteDatabase } from './sqlite-database.js';

export const MIGRATIONS_FOLDER = projectPath('migrations');

/**
 * Applies pending migrations. Foreign keys are off during the run because drizzle rebuilds tables
 * to alter them and a rebuild with foreign keys on would cascade-delete children; the check after
 * makes sure the rebuilt tables still agree.
 */
export function migrateConnection(sqlite: BetterSqlite3.Database, migrationsFolder = MIGRATIONS_FOLDER): void {
  sqlite.pragma('foreign_keys = OFF');
  try {
    const applied = appliedMigrations(sqlite);
    migrate(drizzle(sqlite), { migrationsFolder });
    // The check reads every row of every table: worth it after a migration, not on every start.
    if (appliedMigrations(sqlite) === applied) return;
    const problems = sqlite.pragma('foreign_key_check') as unknown[];
    if (problems.length > 0) throw new Error(`foreign key check failed after migration: ${JSON.stringify(problems.slice(0, 5))}`);
  } finally {
    sqlite.pragma('foreign_keys = ON');
  }
}

export const migrateSqlite = (database: SqliteDatabase, migrationsFolder = MIGRATIONS_FOLDER): void => migrateConnection(database.connection, migrationsFolder);

function appliedMigrations(sqlite: BetterSqlite3.Database): number {
  const table = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
  return table ? (sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n : 0;
}

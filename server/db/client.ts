import type { Config } from '../config.js';
import type { Database } from './database.js';
import { migratePostgres } from './migrate-postgres.js';
import { migrateSqlite } from './migrate.js';
import { openPostgresDatabase, type PostgresDatabase } from './postgres-database.js';
import { openSqliteDatabase, type SqliteDatabase } from './sqlite-database.js';

export type DatabaseConfig = Pick<Config, 'databasePath' | 'databaseUrl' | 'databasePoolSize'> & Partial<Pick<Config, 'databaseBusyTimeoutMs'>>;

/**
 * The database the configuration names: PostgreSQL when DATABASE_URL is set, else the SQLite file
 * at DATABASE_PATH (created, with its folder, if missing). Every entry point opens it here: the
 * server, the command line, the mail worker thread, the drills and the benchmarks.
 */
export function openDatabase(config: DatabaseConfig, options: { applicationName?: string } = {}): Database {
  if (config.databaseUrl) return openPostgresDatabase(config.databaseUrl, { maxConnections: config.databasePoolSize, applicationName: options.applicationName, connectionWaitMs: config.databaseBusyTimeoutMs });
  return openSqliteDatabase(config.databasePath, { busyTimeoutMs: config.databaseBusyTimeoutMs });
}

/** Applies the engine's pending migrations. */
export async function migrateDatabase(database: Database): Promise<void> {
  if (isSqlite(database)) migrateSqlite(database);
  else await migratePostgres(database as PostgresDatabase);
}

/** openDatabase, then migrateDatabase; closed again if the migration fails. */
export async function openMigratedDatabase(config: DatabaseConfig, options: { applicationName?: string } = {}): Promise<Database> {
  const database = openDatabase(config, options);
  try {
    await migrateDatabase(database);
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** For the engine-specific pieces (WAL checkpoints, backups, the export's fast path). */
export const isSqlite = (database: Database): database is SqliteDatabase => database.engine === 'sqlite';

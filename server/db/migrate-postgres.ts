import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { projectPath } from '../lib/project-root.js';
import type { PostgresDatabase } from './postgres-database.js';

export const POSTGRES_MIGRATIONS = projectPath('migrations', 'postgres');

/** Any number, the same in every process: the key of the session lock migrations are applied under. */
const MIGRATION_LOCK = 7_315_602;

/**
 * Applies pending migrations (drizzle runs them in one transaction). Several processes starting
 * at once (a deploy of N) take turns on a session-level advisory lock, so the second finds the
 * work done instead of failing half-way through creating what the first created.
 */
export async function migratePostgres(database: PostgresDatabase, migrationsFolder = POSTGRES_MIGRATIONS): Promise<void> {
  const client = await database.pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await migrate(drizzle(client), { migrationsFolder });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}

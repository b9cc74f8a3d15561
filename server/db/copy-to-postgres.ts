import { existsSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { drizzle as sqliteDrizzle } from 'drizzle-orm/better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { drizzle as postgresDrizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { CopyError, quoted, tablesInDependencyOrder, toPostgresRow, type CopyTable } from './copy-tables.js';
import { assertCopyVerified, verifyCopy, type CopyCheck } from './copy-verify.js';
import { markSqliteHandles, type Database, type Reader, type Tx } from './database.js';
import { migratePostgres } from './migrate-postgres.js';
import { MIGRATIONS_FOLDER } from './migrate.js';
import { openPostgresDatabase } from './postgres-database.js';
import * as schema from './schema.js';
import { openSqliteConnection } from './sqlite-database.js';

export interface CopyOptions {
  /** The SQLite file to copy from (opened read-only). */
  from: string;
  /** postgres:// URL of an empty (or not yet migrated) database. */
  to: string;
  /** Rows per INSERT statement. */
  batchSize?: number;
  /** Rows copied so far into a table; `done` once its last row is in. */
  onProgress?: (table: string, rows: number, done: boolean) => void;
}

export interface CopySummary {
  /** The target, without its credentials. */
  target: string;
  check: CopyCheck;
}

/**
 * Copies a SQLite database into an empty PostgreSQL one, in ONE PostgreSQL transaction: it commits
 * only after the verification passed, so a copy that fails, finds a mismatch or is interrupted
 * (the process killed, the connection lost) leaves the target migrated and empty, ready for
 * another try. The kept-count triggers are disabled while rows go in and the kept counts are
 * copied as stored, then checked against a recount (verifyCopy).
 */
export async function copyToPostgres(options: CopyOptions): Promise<CopySummary> {
  const target = postgresTarget(options.to);
  const tables = tablesInDependencyOrder();
  const source = openCopySource(options.from, tables);
  try {
    const database = openPostgresDatabase(target.url, { maxConnections: 2, applicationName: 'undersigned db copy' });
    try {
      await assertEmpty(database.pool, target.label).catch((error: unknown) => {
        throw error instanceof CopyError ? error : new CopyError(`cannot reach the PostgreSQL ${target.label}: ${error instanceof Error ? error.message : String(error)}`);
      });
      await migratePostgres(database);
      const check = await copyInOneTransaction(source, database.pool, tables, target.label, options);
      return { target: target.label, check };
    } finally {
      await database.close();
    }
  } finally {
    source.connection.close();
  }
}

/** The URL checked, and how to name its database in messages (never with the password). */
export function postgresTarget(url: string): { url: string; label: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CopyError('--to must be a postgres:// or postgresql:// URL of the database to copy into');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw new CopyError(`--to must be a postgres:// or postgresql:// URL, not ${parsed.protocol}//…`);
  const name = decodeURIComponent(parsed.pathname.slice(1)) || '(the user’s default)';
  return { url, label: `database ${name} on ${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}` };
}

interface CopySource {
  connection: BetterSqlite3.Database;
  /** The application's query builder on the read-only connection, for the verification. */
  reader: Reader;
}

/** The SQLite file, read-only, after checking it is this version's schema: every migration applied, no table the copy would leave behind. */
export function openCopySource(path: string, tables: readonly CopyTable[] = tablesInDependencyOrder()): CopySource {
  if (!existsSync(path)) throw new CopyError(`the SQLite database ${path} does not exist (give --from FILE, or set DATABASE_PATH)`);
  const connection = openSqliteConnection(path, { readonly: true });
  try {
    assertLatestMigration(connection, path);
    const declared = new Set(tables.map((table) => table.name));
    const stored = connection.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '__drizzle_migrations'").pluck().all() as string[];
    const unknown = stored.filter((name) => !declared.has(name));
    if (unknown.length > 0) throw new CopyError(`${path} has tables the application does not declare (${unknown.join(', ')}): the copy would leave them behind`);
  } catch (error) {
    connection.close();
    if (error instanceof CopyError) throw error;
    throw new CopyError(`${path} cannot be read as the application's SQLite database: ${error instanceof Error ? error.message : String(error)}`);
  }
  const reader = sqliteDrizzle(connection, { schema }) as unknown as Tx;
  markSqliteHandles(reader);
  return { connection, reader };
}

function assertLatestMigration(connection: BetterSqlite3.Database, path: string): void {
  const migrations = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER });
  const latest = migrations.at(-1)?.folderMillis;
  const tracked = connection.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
  const applied = tracked ? (connection.prepare('SELECT count(*) AS n, max(created_at) AS last FROM __drizzle_migrations').get() as { n: number; last: number | null }) : { n: 0, last: null };
  if (applied.last !== null && latest !== undefined && Number(applied.last) > latest) throw new CopyError(`${path} was migrated by a newer version of the application than this one: copy it with that version`);
  if (applied.last === null || Number(applied.last) !== latest) {
    throw new CopyError(`${path} is not migrated to this version's latest migration (${applied.n} of ${migrations.length} applied): run "undersigned migrate" on it with this version first, then copy`);
  }
}

/**
 * Refuses a target holding any row, in any table of any schema (drizzle's record of applied
 * migrations aside): the copy adds to nothing, and never overwrites.
 */
async function assertEmpty(db: pg.Pool | pg.PoolClient, label: string): Promise<void> {
  const { rows: tables } = await db.query<{ schema: string; name: string }>(`
    SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
      AND NOT (n.nspname = 'drizzle' AND c.relname = '__drizzle_migrations')
    ORDER BY 1, 2`);
  for (const { schema: namespace, name } of tables) {
    const { rows } = await db.query<{ found: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${quoted(namespace)}.${quoted(name)}) AS found`);
    if (rows[0]?.found) throw new CopyError(`the PostgreSQL ${label} is not empty (${namespace}.${name} has rows): copy into a new, empty database; nothing was changed`);
  }
}

async function copyInOneTransaction(source: CopySource, pool: pg.Pool, tables: readonly CopyTable[], label: string, options: CopyOptions): Promise<CopyCheck> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Locks every table against other writers until the commit; the kept counts are copied as stored.
    for (const { name } of tables) await client.query(`ALTER TABLE ${quoted(name)} DISABLE TRIGGER USER`);
    await assertEmpty(client, label);
    // One read transaction: every table, and the verification, read the same state of the file.
    source.connection.exec('BEGIN');
    try {
      for (const table of tables) await copyTable(source.connection, client, table, options);
      await continueSequences(source.connection, client, tables);
      for (const { name } of tables) await client.query(`ALTER TABLE ${quoted(name)} ENABLE TRIGGER USER`);
      const check = await verifyCopy(source.reader, databaseInTransaction(client), tables);
      assertCopyVerified(check);
      await client.query('COMMIT');
      return check;
    } finally {
      source.connection.exec('COMMIT');
    }
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function copyTable(sqlite: BetterSqlite3.Database, client: pg.PoolClient, table: CopyTable, options: CopyOptions): Promise<void> {
  const names = table.columns.map((column) => quoted(column.name)).join(', ');
  const types = await columnTypes(client, table);
  // One array per column, unnested into rows by PostgreSQL: a parameter per column instead of one
  // per value (a VALUES list is slower to send and parse, and capped at 65,535 values a statement).
  // OVERRIDING SYSTEM VALUE: ids are copied as they are, identity columns or not.
  const insert = `INSERT INTO ${quoted(table.name)} (${names}) OVERRIDING SYSTEM VALUE SELECT * FROM unnest(${types.map((type, index) => `$${index + 1}::${type}[]`).join(', ')})`;
  const size = options.batchSize ?? 1000;
  const rows = sqlite.prepare(`SELECT ${names} FROM ${quoted(table.name)}`).raw(true);
  let batch: unknown[][] = [];
  let copied = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const result = await client.query(insert, table.columns.map((_, column) => batch.map((row) => row[column])));
    if (result.rowCount !== batch.length) throw new CopyError(`table ${table.name}: PostgreSQL stored ${result.rowCount} of ${batch.length} rows of a batch`);
    copied += batch.length;
    batch = [];
    options.onProgress?.(table.name, copied, false);
  };
  for (const row of rows.iterate() as IterableIterator<unknown[]>) {
    batch.push(toPostgresRow(table, row));
    if (batch.length >= size) await flush();
  }
  await flush();
  options.onProgress?.(table.name, copied, true);
}

/** The target's type of each copied column (as PostgreSQL spells it: integer, bigint, boolean, text), in copy order. */
async function columnTypes(client: pg.PoolClient, table: CopyTable): Promise<string[]> {
  const { rows } = await client.query<{ name: string; type: string }>(
    'SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped',
    [quoted(table.name)],
  );
  const typeOf = new Map(rows.map((row) => [row.name, row.type]));
  return table.columns.map((column) => {
    const type = typeOf.get(column.name);
    if (!type) throw new CopyError(`table ${table.name} on PostgreSQL has no column ${column.name}: the target's migrations are not this version's`);
    return type;
  });
}

/**
 * Moves each identity column's sequence past the highest id copied, and past the highest SQLite
 * ever handed out (AUTOINCREMENT never reuses the id of a deleted row, and neither should the
 * move), so rows added after the move get new ids.
 */
async function continueSequences(sqlite: BetterSqlite3.Database, client: pg.PoolClient, tables: readonly CopyTable[]): Promise<void> {
  const hasSequences = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'").get();
  const issued = new Map(hasSequences ? (sqlite.prepare('SELECT name, seq FROM sqlite_sequence').raw(true).all() as Array<[string, number]>) : []);
  const copied = new Set(tables.map((table) => table.name));
  const { rows } = await client.query<{ table_name: string; column_name: string }>(
    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')",
  );
  for (const { table_name: table, column_name: column } of rows.filter((row) => copied.has(row.table_name))) {
    const { rows: highest } = await client.query<{ max: number | null }>(`SELECT max(${quoted(column)}) AS max FROM ${quoted(table)}`);
    const last = Math.max(Number(highest[0]?.max ?? 0), issued.get(table) ?? 0);
    // setval(…, 1, false): the next id is 1; setval(…, n, true): the next is n + 1.
    await client.query('SELECT setval(pg_get_serial_sequence($1, $2), $3, $4)', [quoted(table), column, Math.max(last, 1), last > 0]);
  }
}

/** The copy's open transaction as a Database, for the verification to read what is about to commit. */
function databaseInTransaction(client: pg.PoolClient): Database {
  const tx = postgresDrizzle(client) as unknown as Tx;
  return {
    engine: 'postgres',
    select: tx.select.bind(tx) as Tx['select'],
    selectDistinct: tx.selectDistinct.bind(tx) as Tx['selectDistinct'],
    $count: tx.$count.bind(tx) as Tx['$count'],
    write: (work) => work(tx),
    close: async () => {},
  };
}

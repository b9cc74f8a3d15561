import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Database, Tx, WriteOptions } from './database.js';
import { databaseErrorCode } from './errors.js';

export interface PostgresDatabase extends Database {
  readonly engine: 'postgres';
  readonly pool: pg.Pool;
}

export interface PostgresOptions {
  /** Connections this process keeps at most. */
  maxConnections?: number;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
  /**
   * How long a query waits for a free connection (or for the server to accept a new one) before
   * it fails as busy (a request: 503 with Retry-After) instead of waiting for ever.
   */
  connectionWaitMs?: number;
}

/**
 * Values as the SQLite declarations of the tables expect them: times are stored as milliseconds in
 * a bigint, counts come back as bigint (count(*)) or numeric (sum over a bigint). Both fit a
 * JavaScript number for every value this application stores, so they are read as numbers. Set on
 * the driver's shared registry: drizzle hands each query type parsers that fall back to it, so a
 * pool's own would be passed over.
 */
const BIGINT = 20;
const NUMERIC = 1700;
pg.types.setTypeParser(BIGINT, Number);
pg.types.setTypeParser(NUMERIC, Number);

/** SQLSTATEs after which the same transaction, run again, may well succeed. */
const RETRYABLE = new Set(['40001', '40P01']);
const ATTEMPTS = 4;

/**
 * A PostgreSQL database behind the Database interface. Reads go to the pool, each statement on
 * its own; a write runs its work in one READ COMMITTED transaction on one pooled connection.
 * The kept counts (triggers) stay right under READ COMMITTED because each adds to the row as it
 * is when its lock is granted; check-then-write logic relies on unique constraints and
 * conditional updates, as on SQLite.
 */
export function openPostgresDatabase(url: string, options: PostgresOptions = {}): PostgresDatabase {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    application_name: options.applicationName ?? 'undersigned',
    connectionTimeoutMillis: options.connectionWaitMs ?? 5000,
    // A server that vanished without closing the connection (a frozen host) is noticed by TCP.
    keepAlive: true,
  });
  // An idle connection dropped by the server (a restart, a failover) must not crash the process;
  // the pool opens a new one at the next query.
  pool.on('error', () => {});
  const db = drizzle(pool) as unknown as Tx & { transaction<T>(work: (tx: Tx) => Promise<T>, config?: { isolationLevel: 'read committed' }): Promise<T> };

  return {
    engine: 'postgres',
    pool,
    select: db.select.bind(db) as Tx['select'],
    selectDistinct: db.selectDistinct.bind(db) as Tx['selectDistinct'],
    $count: db.$count.bind(db) as Tx['$count'],
    write: async <T>(work: (tx: Tx) => Promise<T>, _options?: WriteOptions): Promise<T> => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await db.transaction(work, { isolationLevel: 'read committed' });
        } catch (error) {
          const code = databaseErrorCode(error);
          if (attempt >= ATTEMPTS || code === undefined || !RETRYABLE.has(code)) throw error;
        }
      }
    },
    // Closing twice (a shutdown racing a failed start, say) is harmless, as on SQLite.
    close: async () => {
      if (!pool.ended) await pool.end();
    },
  };
}

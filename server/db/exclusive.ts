import type { Database } from './database.js';
import type { PostgresDatabase } from './postgres-database.js';

/** The first of the two 32-bit keys of every lock taken here: its own space, apart from the migration lock's single key. */
const LOCK_SPACE = 1_605_161;

/**
 * Runs `work` unless another process is running work under the same name: then it answers
 * `{ ran: false }` at once, without waiting.
 *
 * PostgreSQL: a session-level advisory lock (pg_try_advisory_lock), held on a connection of its
 * own for as long as the work runs (the work's own queries use the pool as usual); a process that
 * dies lets go of it with its connection.
 * SQLite: no lock outlives a transaction across processes, so the caller's lease row (claimed in
 * one write: the file's write lock serialises the claims) is what keeps a second process out;
 * the work simply runs here.
 */
export async function unlessRunningElsewhere<T>(db: Database, name: string, work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
  if (db.engine === 'sqlite') return { ran: true, value: await work() };
  const client = await (db as PostgresDatabase).pool.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [LOCK_SPACE, name]);
    if (!rows[0]?.locked) return { ran: false };
    try {
      return { ran: true, value: await work() };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_SPACE, name]);
    }
  } finally {
    client.release();
  }
}

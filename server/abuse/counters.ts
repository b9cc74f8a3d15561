import { isIPv4 } from 'node:net';
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import { first, type Database, type Reader, type Tx } from '../db/database.js';
import { preparedQuery, type PreparedQuery } from '../db/prepared.js';
import { describeClientAddress } from '../lib/client-address.js';
import { hmacHex } from '../lib/hash.js';
import { rateCounters } from './table.js';

/**
 * Counted limits, shared by every process on the database (rate_counters). A window counts the
 * hits of a key from its first hit for `windowMs`, then starts again at the next hit, as
 * express-rate-limit's memory store did. Counting is one atomic statement (INSERT … ON CONFLICT DO
 * UPDATE … RETURNING) for all the windows a request touches: concurrent hits on one key, in any
 * process, each see their own count, never a count read before another's write.
 */

export interface RateWindow {
  /** Part of every key, so windows of different lengths never share a row. */
  name: string;
  limit: number;
  windowMs: number;
}

/** A window with limit 0 is off: undefined, and callers leave it out. */
export const rateWindow = (name: string, limit: number, windowMs: number): RateWindow | undefined => (limit === 0 ? undefined : { name, limit, windowMs });

export interface Hit {
  window: RateWindow;
  /** The window's name and a keyed hash of the subject (an address, an account): nothing personal is stored. */
  key: string;
}

export interface Counted extends Hit {
  hits: number;
  resetAt: number;
}

/** One hit per window for one subject: the subject is hashed once, whatever the number of windows. */
export function hitsOf(secret: string, windows: RateWindow[], subject: string): Hit[] {
  if (windows.length === 0) return [];
  const hashed = hmacHex(secret, `rate\u0000${subject}`).slice(0, 32);
  return windows.map((window) => ({ window, key: `${window.name}:${hashed}` }));
}

export const hitOf = (secret: string, window: RateWindow, subject: string): Hit => hitsOf(secret, [window], subject)[0]!;

/** The key a client is counted under: its IPv4 address, or its IPv6 network (clients usually hold a whole range). */
export function clientRateKey(ip: string | undefined, secret: string): string {
  if (!ip) return 'unknown';
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return isIPv4(v4) ? v4 : (describeClientAddress(ip, secret)?.ipNetwork ?? ip);
}

/** One prepared upsert per number of rows (a request touches one to three windows). */
const upserts = new Map<number, PreparedQuery<{ key: string; hits: number; resetAt: Date }, Tx>>();

function upsertOf(rows: number): PreparedQuery<{ key: string; hits: number; resetAt: Date }, Tx> {
  let upsert = upserts.get(rows);
  if (!upsert) {
    const now = sql.placeholder('now');
    const values = Array.from({ length: rows }, (_, i) => ({ key: sql.placeholder(`key${i}`), hits: 1, resetAt: sql.placeholder(`resetAt${i}`) }));
    upsert = preparedQuery((tx: Tx) =>
      tx
        .insert(rateCounters)
        .values(values as never)
        .onConflictDoUpdate({
          target: rateCounters.key,
          set: {
            hits: sql`CASE WHEN ${rateCounters.resetAt} <= ${now} THEN 1 ELSE ${rateCounters.hits} + 1 END`,
            resetAt: sql`CASE WHEN ${rateCounters.resetAt} <= ${now} THEN excluded.reset_at ELSE ${rateCounters.resetAt} END`,
          },
        })
        .returning({ key: rateCounters.key, hits: rateCounters.hits, resetAt: rateCounters.resetAt }),
    );
    upserts.set(rows, upsert);
  }
  return upsert;
}

/** Counts one hit in each window, in one statement; each with its count so far (this hit included) and when its window ends. */
export async function countHits(db: Database, hits: Hit[], now: number): Promise<Counted[]> {
  if (hits.length === 0) return [];
  const values: Record<string, unknown> = { now };
  inKeyOrder(hits).forEach((hit, i) => {
    values[`key${i}`] = hit.key;
    values[`resetAt${i}`] = new Date(now + hit.window.windowMs);
  });
  const rows = await db.write((tx) => upsertOf(hits.length).rows(tx, values), { label: 'rate counters', grouped: true });
  const byKey = new Map(rows.map((row) => [row.key, row]));
  return hits.map((hit) => {
    const row = byKey.get(hit.key);
    return { ...hit, hits: row?.hits ?? 1, resetAt: row?.resetAt.getTime() ?? now + hit.window.windowMs };
  });
}

/** The windows this hit went past the limit of. */
export const overLimit = (counted: Counted[]): Counted[] => counted.filter((hit) => hit.hits > hit.window.limit);

/** Milliseconds until every window the hits went past has ended; 0 when none was. */
export const waitMs = (counted: Counted[], now: number): number => Math.max(0, ...overLimit(counted).map((hit) => hit.resetAt - now));

/** Takes back one hit from each window still running (an attempt counted up-front that turned out not to count). */
export async function takeBackHits(db: Database, hits: Hit[], now: number): Promise<void> {
  if (hits.length === 0) return;
  await db.write((tx) => takeBack(tx, hits, now), { label: 'rate counters', grouped: true });
}

/**
 * Rows are always locked in key order, one statement per key where several rows change: on
 * PostgreSQL an upsert locks its rows in the order they are listed and an `IN (…)` update in the
 * order it scans them, and two requests that met the same keys in different orders deadlocked
 * (the red team saw 500s after four retries when a hot email domain passed its limit).
 */
const inKeyOrder = (hits: Hit[]): Hit[] => [...hits].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

const takeBack = async (tx: Tx, hits: Hit[], now: number): Promise<void> => {
  for (const hit of inKeyOrder(hits)) {
    await tx
      .update(rateCounters)
      .set({ hits: sql`${rateCounters.hits} - 1` })
      .where(and(eq(rateCounters.key, hit.key), gt(rateCounters.hits, 0), gt(rateCounters.resetAt, new Date(now))));
  }
};

/** Hits so far in the key's running window (0 when none runs). */
export async function hitsSoFar(db: Reader, hit: Hit, now: number): Promise<number> {
  const row = await first(db.select({ hits: rateCounters.hits }).from(rateCounters).where(and(eq(rateCounters.key, hit.key), gt(rateCounters.resetAt, new Date(now)))));
  return row?.hits ?? 0;
}

export interface CounterChanges {
  /** Windows to take one hit back from. */
  takeBack?: Hit[];
  /** Windows to start afresh. */
  forget?: Hit[];
  /** Keys to mark as seen until now + their window (the mark moves on at each use). */
  remember?: Hit[];
}

/** Several changes to counters in one write. */
export async function changeCounters(db: Database, changes: CounterChanges, now: number): Promise<void> {
  const { takeBack: back = [], forget = [], remember = [] } = changes;
  await db.write(async (tx) => {
    if (back.length > 0) await takeBack(tx, back, now);
    for (const hit of inKeyOrder(forget)) await tx.delete(rateCounters).where(eq(rateCounters.key, hit.key));
    for (const hit of inKeyOrder(remember)) {
      const resetAt = new Date(now + hit.window.windowMs);
      await tx.insert(rateCounters).values({ key: hit.key, hits: 1, resetAt }).onConflictDoUpdate({ target: rateCounters.key, set: { hits: 1, resetAt } });
    }
  }, { label: 'rate counters' });
}

/** Deletes the rows of windows that have ended (the scheduled jobs call it): the table holds only running windows. */
export async function pruneRateCounters(db: Database, now: Date): Promise<number> {
  const pruned = await db.write((tx) => tx.delete(rateCounters).where(lte(rateCounters.resetAt, now)).returning({ key: rateCounters.key }), { label: 'rate counters' });
  return pruned.length;
}

import { count } from 'drizzle-orm';
import type { Reader } from '../db/database.js';
import { OUTBOX_STATES, outbox, type OutboxState } from './table.js';

/** Mails in the outbox by state, every state present (0 when none), for the organisers' dashboard. */
export async function countOutboxByState(db: Reader): Promise<Record<OutboxState, number>> {
  const counts = Object.fromEntries(OUTBOX_STATES.map((state) => [state, 0])) as Record<OutboxState, number>;
  for (const row of await db.select({ state: outbox.state, n: count() }).from(outbox).groupBy(outbox.state)) counts[row.state] = row.n;
  return counts;
}

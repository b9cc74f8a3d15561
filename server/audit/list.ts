import { and, desc, inArray, lt } from 'drizzle-orm';
import type { Reader } from '../db/database.js';
import { auditEvents } from './table.js';

export type AuditEvent = typeof auditEvents.$inferSelect;

export interface AuditPage {
  events: AuditEvent[];
  /** Pass as `before` for the next (older) page; absent on the last page. */
  nextBefore?: number;
}

/**
 * Newest first, paged by id (no OFFSET, so deep pages stay cheap and stable while events arrive);
 * `actions` keeps only events with one of those action names.
 */
export async function listAuditEvents(db: Reader, options: { before?: number; limit?: number; actions?: readonly string[] } = {}): Promise<AuditPage> {
  const limit = options.limit ?? 50;
  const rows = await db
    .select()
    .from(auditEvents)
    .where(
      and(
        options.before === undefined ? undefined : lt(auditEvents.id, options.before),
        options.actions === undefined ? undefined : inArray(auditEvents.action, [...options.actions]),
      ),
    )
    .orderBy(desc(auditEvents.id))
    .limit(limit + 1);
  const events = rows.slice(0, limit);
  const last = events.at(-1);
  return rows.length > limit && last ? { events, nextBefore: last.id } : { events };
}

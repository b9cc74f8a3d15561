import { desc, lt } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { auditEvents } from './table.js';

export type AuditEvent = typeof auditEvents.$inferSelect;

export interface AuditPage {
  events: AuditEvent[];
  /** Pass as `before` for the next (older) page; absent on the last page. */
  nextBefore?: number;
}

/** Newest first, paged by id (no OFFSET, so deep pages stay cheap and stable while events arrive). */
export function listAuditEvents(db: Db, options: { before?: number; limit?: number } = {}): AuditPage {
  const limit = options.limit ?? 50;
  const rows = db
    .select()
    .from(auditEvents)
    .where(options.before === undefined ? undefined : lt(auditEvents.id, options.before))
    .orderBy(desc(auditEvents.id))
    .limit(limit + 1)
    .all();
  const events = rows.slice(0, limit);
  const last = events.at(-1);
  return rows.length > limit && last ? { events, nextBefore: last.id } : { events };
}

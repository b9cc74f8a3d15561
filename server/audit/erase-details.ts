import { and, inArray, lte, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { auditEvents } from './table.js';

/** What an erased detail reads as: the record of who did what stays, the personal part goes. */
export const ERASED = '(erased)';

/** Audit actions whose details carry a moderator's note about the signatures in `changed` or `approved`. */
const NOTED_MODERATION = ['signatures.moderate', 'signatures.approve_verified'];
/** Audit actions whose details carry a block rule's `kind` and `value`. */
const BLOCK_RULE_CHANGES = ['signatures.block', 'signatures.unblock'];

const eraseField = (field: string): SQL => sql`json_set(${auditEvents.details}, ${`$.${field}`}, ${ERASED})`;
const fieldIsKept = (field: string): SQL => sql`coalesce(json_extract(${auditEvents.details}, ${`$.${field}`}) <> ${ERASED}, 0)`;
const anyOf = (values: ReadonlyArray<string | number> | SQLWrapper): SQL =>
  Array.isArray(values) ? sql`(${sql.join(values.map((value) => sql`${value}`), sql`, `)})` : sql`(${values})`;

/**
 * Moderation notes copied into the audit log go with the signatures they were about: every note
 * of an action on one of these signatures (ids), or on any signature of a letter (its audit
 * subject, `letter:<slug>`), is erased. Runs the same statement for an empty list.
 */
export function eraseModerationNotes(tx: Db, about: { signatureIds: readonly number[] } | { subject: string }): number {
  const touched =
    'subject' in about
      ? sql`${auditEvents.subject} = ${about.subject}`
      : sql`exists (select 1 from json_each(${auditEvents.details}, '$.changed') where value in ${anyOf(about.signatureIds)}
          union all select 1 from json_each(${auditEvents.details}, '$.approved') where value in ${anyOf(about.signatureIds)})`;
  return tx
    .update(auditEvents)
    .set({ details: eraseField('note') })
    .where(and(inArray(auditEvents.action, NOTED_MODERATION), fieldIsKept('note'), touched))
    .run().changes;
}

/**
 * IP hashes named by block rules in the audit log follow the hashes' own retention and erasure:
 * those among `values` (a list or a subquery), or every one recorded at or before `before`.
 */
export function eraseBlockedIpHashes(tx: Db, which: { values: readonly string[] | SQLWrapper } | { before: Date }): number {
  const chosen = 'before' in which ? lte(auditEvents.createdAt, which.before) : sql`json_extract(${auditEvents.details}, '$.value') in ${anyOf(which.values)}`;
  return tx
    .update(auditEvents)
    .set({ details: eraseField('value') })
    .where(and(inArray(auditEvents.action, BLOCK_RULE_CHANGES), sql`json_extract(${auditEvents.details}, '$.kind') = 'ip_hash'`, fieldIsKept('value'), chosen))
    .run().changes;
}

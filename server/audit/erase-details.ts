import { and, inArray, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { auditEvents } from './table.js';

/** What an erased detail reads as: the record of who did what stays, the personal part goes. */
export const ERASED = '(erased)';

/** Audit actions whose details carry a moderator's note about the signatures in `selected` (`changed` in older records) or `approved`. */
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
          union all select 1 from json_each(${auditEvents.details}, '$.selected') where value in ${anyOf(about.signatureIds)}
          union all select 1 from json_each(${auditEvents.details}, '$.approved') where value in ${anyOf(about.signatureIds)})`;
  return tx
    .update(auditEvents)
    .set({ details: eraseField('note') })
    .where(and(inArray(auditEvents.action, NOTED_MODERATION), fieldIsKept('note'), touched))
    .run().changes;
}

/** Which address hashes of block rules go: see forgetIpHashRules. */
export type BlockedHashSelection =
  | { before: Date }
  | { values: readonly string[] | SQLWrapper; signatureIds: readonly number[] | SQLWrapper };

/** The subjects (`block_rule:<id>`) of the rules whose first record, or a record naming their sources, matches `where`. */
const ruleSubjectsWhere = (where: SQL): SQL => sql`(select ${sql.raw('rule_record.subject')} from ${auditEvents} as rule_record where rule_record.action = 'signatures.block' and ${where})`;

/**
 * IP hashes named by block rules in the audit log follow the retention and erasure of the rules:
 * every record of a rule first made at or before `before` (so a rule applied again, or removed,
 * later keeps its hash no longer than the rule does); or the records naming one of `values`, or
 * of a rule made from one of `signatureIds` (its block record lists them as `sources`).
 */
export function eraseBlockedIpHashes(tx: Db, which: BlockedHashSelection): number {
  const chosen =
    'before' in which
      ? sql`(${auditEvents.createdAt} <= ${which.before.getTime()} or ${auditEvents.subject} in ${ruleSubjectsWhere(sql`rule_record.created_at <= ${which.before.getTime()}`)})`
      : sql`(json_extract(${auditEvents.details}, '$.value') in ${anyOf(which.values)}
          or ${auditEvents.subject} in ${ruleSubjectsWhere(sql`exists (select 1 from json_each(rule_record.details, '$.sources') where value in ${anyOf(which.signatureIds)})`)})`;
  return tx
    .update(auditEvents)
    .set({ details: eraseField('value') })
    .where(and(inArray(auditEvents.action, BLOCK_RULE_CHANGES), sql`json_extract(${auditEvents.details}, '$.kind') = 'ip_hash'`, fieldIsKept('value'), chosen))
    .run().changes;
}

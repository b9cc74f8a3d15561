import { and, inArray, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Reader, Tx } from '../db/database.js';
import { jsonArrayValues, jsonText, jsonWithText } from '../db/dialect.js';
import { auditEvents } from './table.js';

/** What an erased detail reads as: the record of who did what stays, the personal part goes. */
export const ERASED = '(erased)';

/** Audit actions whose details carry a moderator's note about the signatures in `selected` (`changed` in older records) or `approved`. */
const NOTED_MODERATION = ['signatures.moderate', 'signatures.approve_verified'];
/** Audit actions whose details carry a block rule's `kind` and `value`. */
const BLOCK_RULE_CHANGES = ['signatures.block', 'signatures.unblock'];

const eraseField = (db: Reader, field: string): SQL => jsonWithText(db, auditEvents.details, field, ERASED);
const fieldIsKept = (db: Reader, field: string): SQL => sql`(${jsonText(db, auditEvents.details, field)} IS NOT NULL AND ${jsonText(db, auditEvents.details, field)} <> ${ERASED})`;
/** Whether the array in a field of the details holds one of `values`. */
const listsAnyOf = (db: Reader, column: SQLWrapper, field: string, type: 'integer' | 'text', values: ReadonlyArray<string | number> | SQLWrapper): SQL =>
  sql`exists (select 1 from (${jsonArrayValues(db, column, field, type)}) as listed where listed.value in ${anyOf(values)})`;
const anyOf = (values: ReadonlyArray<string | number> | SQLWrapper): SQL =>
  // An empty list matches nothing: `IN (NULL)` is valid on both engines, where `IN ()` is SQLite's alone.
  Array.isArray(values) ? (values.length === 0 ? sql`(NULL)` : sql`(${sql.join(values.map((value) => sql`${value}`), sql`, `)})`) : sql`(${values})`;

/**
 * Moderation notes copied into the audit log go with the signatures they were about: every note
 * of an action on one of these signatures (ids), or on any signature of a letter (its audit
 * subject, `letter:<slug>`), is erased. Runs the same statement for an empty list.
 */
export async function eraseModerationNotes(tx: Tx, about: { signatureIds: readonly number[] } | { subject: string }): Promise<number> {
  const touched =
    'subject' in about
      ? sql`${auditEvents.subject} = ${about.subject}`
      : or(...['changed', 'selected', 'approved'].map((field) => listsAnyOf(tx, auditEvents.details, field, 'integer', about.signatureIds)));
  const erased = await tx
    .update(auditEvents)
    .set({ details: eraseField(tx, 'note') })
    .where(and(inArray(auditEvents.action, NOTED_MODERATION), fieldIsKept(tx, 'note'), touched))
    .returning({ id: auditEvents.id });
  return erased.length;
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
export async function eraseBlockedIpHashes(tx: Tx, which: BlockedHashSelection): Promise<number> {
  const chosen =
    'before' in which
      ? sql`(${auditEvents.createdAt} <= ${which.before.getTime()} or ${auditEvents.subject} in ${ruleSubjectsWhere(sql`rule_record.created_at <= ${which.before.getTime()}`)})`
      : sql`(${jsonText(tx, auditEvents.details, 'value')} in ${anyOf(which.values)}
          or ${auditEvents.subject} in ${ruleSubjectsWhere(listsAnyOf(tx, sql.raw('rule_record.details'), 'sources', 'integer', which.signatureIds))})`;
  const erased = await tx
    .update(auditEvents)
    .set({ details: eraseField(tx, 'value') })
    .where(and(inArray(auditEvents.action, BLOCK_RULE_CHANGES), sql`${jsonText(tx, auditEvents.details, 'kind')} = 'ip_hash'`, fieldIsKept(tx, 'value'), chosen))
    .returning({ id: auditEvents.id });
  return erased.length;
}

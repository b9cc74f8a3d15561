import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { signatures } from '../signatures/table.js';

export const BLOCK_KINDS = ['ip_hash', 'cidr', 'email_domain'] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];

export const blockRules = sqliteTable('block_rules', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** Null: applies to every letter. */
  letterId: integer('letter_id'),
  kind: text('kind', { enum: BLOCK_KINDS }).notNull(),
  value: text('value').notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
}, (t) => [index('block_rules_kind_idx').on(t.kind, t.value)]);

/**
 * The signatures an IP-hash rule was made from: those that carried its hash when it was made. A
 * signer's hash changes when they sign again from elsewhere, so erasing them finds the rule by
 * this link as well as by the hashes their signatures carry now.
 */
export const blockRuleSignatures = sqliteTable('block_rule_signatures', {
  ruleId: integer('rule_id').notNull().references(() => blockRules.id, { onDelete: 'cascade' }),
  signatureId: integer('signature_id').notNull().references(() => signatures.id, { onDelete: 'cascade' }),
}, (t) => [primaryKey({ columns: [t.ruleId, t.signatureId] }), index('block_rule_signatures_signature_idx').on(t.signatureId)]);

/**
 * Hits per key in a fixed window that starts at the key's first hit (as express-rate-limit's
 * memory store counted them), shared by every process on the database: signing limits, failed
 * token look-ups, sign-in throttles. Keys are keyed hashes (never an address or an email as
 * such); a row whose window has passed counts as none and is pruned by the scheduled jobs.
 * `known:` rows (sign-in sources an account used) ride on the same shape, one hit each.
 */
export const rateCounters = sqliteTable('rate_counters', {
  key: text('key').primaryKey(),
  hits: integer('hits').notNull(),
  resetAt: integer('reset_at', { mode: 'timestamp_ms' }).notNull(),
}, (t) => [index('rate_counters_reset_idx').on(t.resetAt)]);

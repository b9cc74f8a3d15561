import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

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

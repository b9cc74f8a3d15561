import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { letters } from '../letters/table.js';

/**
 * The partners of a letter: organisations that link to it with `?ref=<ref>` and may frame its sign
 * form from their own sites (the origins listed).
 */
export const letterPartners = sqliteTable('letter_partners', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  letterId: integer('letter_id').notNull().references(() => letters.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  /** The slug in the partner's links (see partnerRefOf): unique per letter. */
  ref: text('ref').notNull(),
  /** The origins allowed to frame the embed sign form, space-separated (each a URL's origin). */
  origins: text('origins').notNull().default(''),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
}, (t) => [uniqueIndex('letter_partners_letter_ref_uq').on(t.letterId, t.ref)]);

export type PartnerRow = typeof letterPartners.$inferSelect;

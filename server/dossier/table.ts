import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { letters } from '../letters/table.js';

/**
 * How a letter reached its recipient: one row per letter, written by its owners. The delivery
 * (to whom, when, an optional note or link) and, later, the recipient's response. Both are public:
 * they show on the letter page.
 */
export const letterDeliveries = sqliteTable('letter_deliveries', {
  letterId: integer('letter_id').primaryKey().references(() => letters.id, { onDelete: 'cascade' }),
  recipient: text('recipient').notNull(),
  /** The day it was handed over, as YYYY-MM-DD (a calendar day, not a moment). */
  deliveredOn: text('delivered_on').notNull(),
  deliveryNote: text('delivery_note').notNull().default(''),
  deliveryLink: text('delivery_link').notNull().default(''),
  /** The recipient's response: its day (YYYY-MM-DD), text and link; all empty until there is one. */
  responseOn: text('response_on').notNull().default(''),
  responseText: text('response_text').notNull().default(''),
  responseLink: text('response_link').notNull().default(''),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

export type LetterDeliveryRow = typeof letterDeliveries.$inferSelect;

import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { organisers } from '../organisers/table.js';

export const auditEvents = sqliteTable('audit_events', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  organiserId: integer('organiser_id').references(() => organisers.id, { onDelete: 'set null' }),
  /** Who acted, kept as text so the record outlives a removed organiser ("system" for jobs). */
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  subject: text('subject'),
  details: text('details', { mode: 'json' }).$type<Record<string, unknown>>(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
}, (t) => [index('audit_events_created_idx').on(t.createdAt)]);

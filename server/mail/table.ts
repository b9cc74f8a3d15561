import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { signatures } from '../signatures/table.js';

export const OUTBOX_STATES = ['queued', 'sending', 'sent', 'failed'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

export const outbox = sqliteTable('outbox', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  kind: text('kind').notNull(),
  signatureId: integer('signature_id').references(() => signatures.id, { onDelete: 'set null' }),
  toAddress: text('to_address').notNull(),
  subject: text('subject').notNull(),
  /** What the mail says (JSON of its template's values): rendered by the worker when it sends. */
  content: text('content'),
  /** Both parts as rendered when queued, for rows queued before `content`; erased once sent outside development. */
  textBody: text('text_body'),
  htmlBody: text('html_body'),
  messageId: text('message_id').notNull(),
  state: text('state', { enum: OUTBOX_STATES }).notNull().default('queued'),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }).notNull(),
  lockedUntil: integer('locked_until', { mode: 'timestamp_ms' }),
  lastError: text('last_error'),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  sentAt: integer('sent_at', { mode: 'timestamp_ms' }),
}, (t) => [
  index('outbox_due_idx').on(t.state, t.nextAttemptAt),
  index('outbox_signature_idx').on(t.signatureId),
]);

export type OutboxRow = typeof outbox.$inferSelect;

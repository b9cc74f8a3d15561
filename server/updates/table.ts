import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { letters } from '../letters/table.js';
import { outbox } from '../mail/table.js';
import { signatures } from '../signatures/table.js';

export const UPDATE_STATES = ['draft', 'sending', 'sent'] as const;
export type UpdateState = (typeof UPDATE_STATES)[number];

/**
 * An owner's update to the signers of a letter who asked for them. A draft is sent at most once:
 * Send moves it to "sending" in one statement; the filler then queues its mails a batch at a time
 * (see fill-outbox.ts) and marks it "sent" once every recipient's mail is queued.
 */
export const letterUpdates = sqliteTable('letter_updates', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  letterId: integer('letter_id').notNull().references(() => letters.id, { onDelete: 'cascade' }),
  subject: text('subject').notNull(),
  /** Markdown, rendered by the one safe renderer (lib/markdown.ts) for the mail and the letter page. */
  body: text('body').notNull(),
  showOnLetter: integer('show_on_letter', { mode: 'boolean' }).notNull().default(false),
  state: text('state', { enum: UPDATE_STATES }).notNull().default('draft'),
  /** The highest signature id when Send was pressed: later signers were not there to be told. */
  lastSignatureId: integer('last_signature_id'),
  /** The filler's place: every recipient up to this signature id has been queued. */
  filledThrough: integer('filled_through').notNull().default(0),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  sentAt: integer('sent_at', { mode: 'timestamp_ms' }),
  finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
}, (t) => [index('letter_updates_letter_idx').on(t.letterId, t.id), index('letter_updates_state_idx').on(t.state)]);

/**
 * One row per (update, signature) whose mail was queued, written in the same transaction as the
 * outbox row: the primary key is what makes a crash and resume (or two processes filling at
 * once) unable to mail anyone twice.
 */
export const updateDeliveries = sqliteTable('update_deliveries', {
  updateId: integer('update_id').notNull().references(() => letterUpdates.id, { onDelete: 'cascade' }),
  signatureId: integer('signature_id').notNull().references(() => signatures.id, { onDelete: 'cascade' }),
  outboxId: integer('outbox_id').references(() => outbox.id, { onDelete: 'set null' }),
  queuedAt: integer('queued_at', { mode: 'timestamp_ms' }).notNull(),
}, (t) => [primaryKey({ columns: [t.updateId, t.signatureId] }), index('update_deliveries_outbox_idx').on(t.outboxId)]);

export type LetterUpdateRow = typeof letterUpdates.$inferSelect;

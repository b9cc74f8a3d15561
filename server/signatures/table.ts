import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { letters, letterVersions } from '../letters/table.js';
import { organisations } from '../organisations/table.js';

export const SIGNATURE_STATES = ['unconfirmed', 'pending', 'approved', 'rejected', 'withdrawn'] as const;
export type SignatureState = (typeof SIGNATURE_STATES)[number];

export const signatures = sqliteTable('signatures', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  letterId: integer('letter_id').notNull().references(() => letters.id, { onDelete: 'cascade' }),
  versionId: integer('version_id').notNull().references(() => letterVersions.id),
  name: text('name').notNull(),
  /** As typed, for mail delivery; never shown publicly. */
  email: text('email').notNull(),
  /** Trimmed, domain punycoded, lower-cased: one signature per address per letter. */
  emailKey: text('email_key').notNull(),
  emailDomain: text('email_domain').notNull(),
  title: text('title').notNull().default(''),
  organisationText: text('organisation_text').notNull().default(''),
  organisationId: integer('organisation_id').references(() => organisations.id, { onDelete: 'set null' }),
  comment: text('comment').notNull().default(''),
  showPublic: integer('show_public', { mode: 'boolean' }).notNull().default(true),
  contactUpdates: integer('contact_updates', { mode: 'boolean' }).notNull().default(false),
  state: text('state', { enum: SIGNATURE_STATES }).notNull().default('unconfirmed'),
  featured: integer('featured', { mode: 'boolean' }).notNull().default(false),
  affiliationVerified: integer('affiliation_verified', { mode: 'boolean' }).notNull().default(false),
  disposableEmail: integer('disposable_email', { mode: 'boolean' }).notNull().default(false),
  /** Why a signature is held for a moderator even on a post-moderated letter (e.g. a famous name). */
  holdReason: text('hold_reason'),
  /** Set when a block rule matched: the signer sees the normal flow, the signature is stored rejected. */
  blocked: integer('blocked', { mode: 'boolean' }).notNull().default(false),
  mailsSent: integer('mails_sent').notNull().default(0),
  reminderSentAt: integer('reminder_sent_at', { mode: 'timestamp_ms' }),
  moderationNote: text('moderation_note'),
  ipHash: text('ip_hash'),
  /** A truncated network (/24 or /48), so a range can be rejected without keeping addresses. */
  ipNetwork: text('ip_network'),
  signedAt: integer('signed_at', { mode: 'timestamp_ms' }).notNull(),
  confirmedAt: integer('confirmed_at', { mode: 'timestamp_ms' }),
  moderatedAt: integer('moderated_at', { mode: 'timestamp_ms' }),
  withdrawnAt: integer('withdrawn_at', { mode: 'timestamp_ms' }),
}, (t) => [
  uniqueIndex('signatures_letter_email_uq').on(t.letterId, t.emailKey),
  index('signatures_letter_state_idx').on(t.letterId, t.state, t.id),
  index('signatures_public_list_idx').on(t.letterId, t.id).where(sql`state = 'approved' AND show_public = 1`),
  index('signatures_state_signed_idx').on(t.state, t.signedAt),
  index('signatures_email_key_idx').on(t.emailKey),
  index('signatures_organisation_idx').on(t.organisationId),
]);

export const TOKEN_PURPOSES = ['confirm', 'withdraw'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

export const signatureTokens = sqliteTable('signature_tokens', {
  /** SHA-256 of the token; the token itself only ever exists in the mail. */
  tokenHash: text('token_hash').primaryKey(),
  signatureId: integer('signature_id').notNull().references(() => signatures.id, { onDelete: 'cascade' }),
  purpose: text('purpose', { enum: TOKEN_PURPOSES }).notNull(),
  expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
}, (t) => [index('signature_tokens_signature_idx').on(t.signatureId)]);

export type SignatureRow = typeof signatures.$inferSelect;

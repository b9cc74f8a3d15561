import { sql, type SQL } from 'drizzle-orm';
import type { Reader } from '../db/database.js';
import { isSet } from '../db/dialect.js';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { letters, letterVersions } from '../letters/table.js';
import { organisations } from '../organisations/table.js';

export const SIGNATURE_STATES = ['unconfirmed', 'pending', 'approved', 'rejected', 'withdrawn'] as const;
export type SignatureState = (typeof SIGNATURE_STATES)[number];

export const signatures = sqliteTable('signatures', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  letterId: integer('letter_id').notNull().references(() => letters.id, { onDelete: 'cascade' }),
  versionId: integer('version_id').notNull().references(() => letterVersions.id),
  /** The language the signer read and signed in (the version's): their mails are in it. */
  lang: text('lang').notNull().default('en'),
  name: text('name').notNull(),
  /** For mail delivery, as parseEmailAddress spells it (normalised, the domain punycoded); never shown publicly. */
  email: text('email').notNull(),
  /** The mailbox the address stands for (see emailKeyOf: lower-cased, no +tag, gmail's dots ignored): one signature per mailbox per letter. */
  emailKey: text('email_key').notNull(),
  emailDomain: text('email_domain').notNull(),
  title: text('title').notNull().default(''),
  organisationText: text('organisation_text').notNull().default(''),
  organisationId: integer('organisation_id').references(() => organisations.id, { onDelete: 'set null' }),
  /** organisation_text folded by organisationKey(): spellings of one name share it, and a new organisation or alias finds its signatures by it. */
  organisationKey: text('organisation_key').notNull().default(''),
  /** What the public breakdown and organisation filter group by: the matched organisation, else the folded text; null without one. */
  organisationGroup: text('organisation_group').generatedAlwaysAs(
    sql`CASE WHEN organisation_id IS NOT NULL THEN 'o:' || organisation_id WHEN organisation_key <> '' THEN 'k:' || organisation_key END`,
    { mode: 'virtual' },
  ),
  comment: text('comment').notNull().default(''),
  showPublic: integer('show_public', { mode: 'boolean' }).notNull().default(true),
  contactUpdates: integer('contact_updates', { mode: 'boolean' }).notNull().default(false),
  state: text('state', { enum: SIGNATURE_STATES }).notNull().default('unconfirmed'),
  /**
   * On the public list: approved, and the signer chose to be shown. The one definition of the rule:
   * the count triggers, the partial indexes and every query read this column, never the two it is
   * made of. Kept a plain comparison (no SQLite-only function) so PostgreSQL (#16) can hold the
   * same expression as a generated boolean.
   */
  listed: integer('listed', { mode: 'boolean' }).generatedAlwaysAs(sql`state = 'approved' AND show_public = 1`, { mode: 'virtual' }),
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
  /**
   * When a moderator (or a block rule) last rejected this address's signature on this letter, and
   * the note given. Kept through withdrawal and signing again, so a rejected signer who withdraws
   * and signs again waits for a moderator; cleared when a moderator approves.
   */
  rejectedAt: integer('rejected_at', { mode: 'timestamp_ms' }),
  rejectionNote: text('rejection_note'),
  /** The partner ref of the link the signer came through (see partnerRefOf), null for none; organisers only, never public. */
  source: text('source'),
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
  // A letter's signatures in signing order (the export), without sorting every one of them first.
  index('signatures_letter_id_idx').on(t.letterId, t.id),
  index('signatures_public_list_idx').on(t.letterId, t.id).where(sql`listed = 1`),
  index('signatures_state_signed_idx').on(t.state, t.signedAt),
  index('signatures_email_key_idx').on(t.emailKey),
  index('signatures_organisation_idx').on(t.organisationId),
  index('signatures_public_group_idx').on(t.letterId, t.organisationGroup, t.id).where(sql`listed = 1`),
  index('signatures_featured_idx').on(t.letterId, t.id).where(sql`listed = 1 AND featured = 1`),
  index('signatures_unmatched_key_idx').on(t.organisationKey).where(sql`organisation_id IS NULL AND organisation_key <> ''`),
]);

/**
 * What a mailed link may do, one purpose per token: confirm a signature, withdraw it, edit the
 * signer's own entry (the thank-you mail), stop update mails (each update mail's unsubscribe link).
 */
export const TOKEN_PURPOSES = ['confirm', 'withdraw', 'edit', 'unsubscribe'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

export const signatureTokens = sqliteTable('signature_tokens', {
  /** SHA-256 of the token; the token itself only ever exists in the mail. */
  tokenHash: text('token_hash').primaryKey(),
  signatureId: integer('signature_id').notNull().references(() => signatures.id, { onDelete: 'cascade' }),
  purpose: text('purpose', { enum: TOKEN_PURPOSES }).notNull(),
  expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  /**
   * When a newer mail's link replaced this one (the address signed again with new details): the
   * link no longer confirms, and says why rather than looking mistyped.
   */
  replacedAt: integer('replaced_at', { mode: 'timestamp_ms' }),
}, (t) => [index('signature_tokens_signature_idx').on(t.signatureId)]);

export type SignatureRow = typeof signatures.$inferSelect;

/**
 * A signer's change to an entry that is listed (or approved) on a pre-moderated letter, waiting for
 * an organiser: the entry stays listed as it was until the change is approved, then the change is
 * applied; a rejected change is deleted. One waiting change per signature (a newer one replaces it).
 * It holds the signer's details, so it goes with them (withdrawal, erasure, anonymisation).
 */
export const signatureEdits = sqliteTable('signature_edits', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  signatureId: integer('signature_id').notNull().references(() => signatures.id, { onDelete: 'cascade' }),
  letterId: integer('letter_id').notNull().references(() => letters.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  title: text('title').notNull(),
  organisationText: text('organisation_text').notNull(),
  showPublic: integer('show_public', { mode: 'boolean' }).notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
}, (t) => [uniqueIndex('signature_edits_signature_uq').on(t.signatureId), index('signature_edits_letter_idx').on(t.letterId, t.id)]);

export type SignatureEditRow = typeof signatureEdits.$inferSelect;

/**
 * Listed rows only, as a query condition. On SQLite the literal `= 1` (not a bound parameter)
 * matches the partial indexes' WHERE, so SQLite can use them; PostgreSQL's column is a boolean. (A generated column in a query makes SQLite's
 * plan say INDEX rather than COVERING INDEX, but the condition, implied by the index, is never
 * evaluated and no table row is read for it.)
 */
export const isListed = (db: Reader): SQL => isSet(db, signatures.listed);

/** signatures.organisation_group for a signature with this match, as the column's definition above computes it. */
export const organisationGroupOf = (match: { organisationId: number | null; organisationKey: string }): string | null =>
  match.organisationId !== null ? `o:${match.organisationId}` : match.organisationKey ? `k:${match.organisationKey}` : null;

/**
 * Listed signatures per letter and organisation group, kept by triggers on signatures (see
 * migrations) like the per-letter counts, so the breakdown on a public page reads a few rows
 * instead of grouping every signature of the letter.
 */
export const letterOrganisationCounts = sqliteTable('letter_organisation_counts', {
  letterId: integer('letter_id').notNull().references(() => letters.id, { onDelete: 'cascade' }),
  /** signatures.organisation_group: `o:<organisation id>` or `k:<folded typed text>`. */
  organisationGroup: text('organisation_group').notNull(),
  organisationId: integer('organisation_id').references(() => organisations.id, { onDelete: 'cascade' }),
  /** For an unmatched group, the text as the first listed signer in it typed it. */
  label: text('label').notNull(),
  listed: integer('listed').notNull(),
}, (t) => [
  primaryKey({ columns: [t.letterId, t.organisationGroup] }),
  index('letter_organisation_counts_rank_idx').on(t.letterId, t.listed),
]);

export type LetterOrganisationCountRow = typeof letterOrganisationCounts.$inferSelect;

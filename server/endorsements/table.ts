import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { letters, letterVersions } from '../letters/table.js';
import { organisations } from '../organisations/table.js';

/** unconfirmed (mailed), pending (confirmed, waiting for an organiser: always), approved, rejected. */
export const ENDORSEMENT_STATES = ['unconfirmed', 'pending', 'approved', 'rejected'] as const;
export type EndorsementState = (typeof ENDORSEMENT_STATES)[number];

/** An organisation endorsing a letter as a whole, through a representative who proves their address. */
export const endorsements = sqliteTable('endorsements', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  letterId: integer('letter_id').notNull().references(() => letters.id, { onDelete: 'cascade' }),
  versionId: integer('version_id').notNull().references(() => letterVersions.id),
  /** The organisation as the representative typed it, and what it matched (as for signatures). */
  organisationText: text('organisation_text').notNull(),
  organisationId: integer('organisation_id').references(() => organisations.id, { onDelete: 'set null' }),
  organisationKey: text('organisation_key').notNull(),
  representativeName: text('representative_name').notNull(),
  representativeRole: text('representative_role').notNull().default(''),
  /** For mail only; never shown publicly. One endorsement per mailbox (email_key) per letter. */
  email: text('email').notNull(),
  emailKey: text('email_key').notNull(),
  emailDomain: text('email_domain').notNull(),
  statement: text('statement').notNull().default(''),
  state: text('state', { enum: ENDORSEMENT_STATES }).notNull().default('unconfirmed'),
  /** The organisation's verified domain the representative confirmed an address at; null when none. */
  verifiedDomain: text('verified_domain'),
  mailsSent: integer('mails_sent').notNull().default(0),
  submittedAt: integer('submitted_at', { mode: 'timestamp_ms' }).notNull(),
  confirmedAt: integer('confirmed_at', { mode: 'timestamp_ms' }),
  moderatedAt: integer('moderated_at', { mode: 'timestamp_ms' }),
}, (t) => [
  uniqueIndex('endorsements_letter_email_uq').on(t.letterId, t.emailKey),
  index('endorsements_letter_state_idx').on(t.letterId, t.state, t.id),
  index('endorsements_email_key_idx').on(t.emailKey),
  index('endorsements_state_submitted_idx').on(t.state, t.submittedAt),
]);

export type EndorsementRow = typeof endorsements.$inferSelect;

export const ENDORSEMENT_TOKEN_PURPOSES = ['confirm'] as const;
export type EndorsementTokenPurpose = (typeof ENDORSEMENT_TOKEN_PURPOSES)[number];

/** Hashed single-purpose links for endorsements (server/lib/single-use-tokens.ts), like signature_tokens. */
export const endorsementTokens = sqliteTable('endorsement_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  endorsementId: integer('endorsement_id').notNull().references(() => endorsements.id, { onDelete: 'cascade' }),
  purpose: text('purpose', { enum: ENDORSEMENT_TOKEN_PURPOSES }).notNull(),
  expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  replacedAt: integer('replaced_at', { mode: 'timestamp_ms' }),
}, (t) => [index('endorsement_tokens_endorsement_idx').on(t.endorsementId)]);

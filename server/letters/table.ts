import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const LETTER_STATUSES = ['draft', 'open', 'closed'] as const;
export const MODERATION_MODES = ['pre', 'post'] as const;

export const letters = sqliteTable('letters', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  slug: text('slug').notNull().unique(),
  title: text('title').notNull(),
  summary: text('summary').notNull().default(''),
  body: text('body').notNull(),
  status: text('status', { enum: LETTER_STATUSES }).notNull().default('draft'),
  moderation: text('moderation', { enum: MODERATION_MODES }).notNull().default('pre'),
  opensAt: integer('opens_at', { mode: 'timestamp_ms' }),
  closesAt: integer('closes_at', { mode: 'timestamp_ms' }),
  /**
   * When an organiser closed the letter by hand (null while it is open). With a scheduled
   * closes_at that has passed, the earlier of the two is when it really stopped taking signatures.
   */
  closedAt: integer('closed_at', { mode: 'timestamp_ms' }),
  currentVersionId: integer('current_version_id'),
  /** The language the letter was written in (BCP 47, e.g. 'en'): its versions in `lang` are the original text. */
  lang: text('lang').notNull().default('en'),
  /**
   * The current version of each translation, as JSON `{"fr": versionId, …}` (see translations.ts): kept on
   * the row so a public page knows the letter's languages without another query, and its
   * fingerprint moves when a translation does.
   */
  translations: text('translations').notNull().default('{}'),
  remindersEnabled: integer('reminders_enabled', { mode: 'boolean' }).notNull().default(true),
  anonymisedAt: integer('anonymised_at', { mode: 'timestamp_ms' }),
  // Kept by triggers on signatures (see migrations) so public pages never COUNT(*).
  countUnconfirmed: integer('count_unconfirmed').notNull().default(0),
  countPending: integer('count_pending').notNull().default(0),
  countApproved: integer('count_approved').notNull().default(0),
  countRejected: integer('count_rejected').notNull().default(0),
  countWithdrawn: integer('count_withdrawn').notNull().default(0),
  countListed: integer('count_listed').notNull().default(0),
  // Bumped by triggers whenever anything public pages show of the signatories changes (a listed
  // signature, an organisation's name or domains), so a rendered page can be kept until then.
  publicRevision: integer('public_revision').notNull().default(0),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull().default(sql`(unixepoch('subsec') * 1000)`),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull().default(sql`(unixepoch('subsec') * 1000)`),
}, (t) => [index('letters_status_idx').on(t.status)]);

export const letterVersions = sqliteTable('letter_versions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  letterId: integer('letter_id').notNull().references(() => letters.id, { onDelete: 'cascade' }),
  /** The language of this text: the letter's own (`letters.lang`) for the original, another for a translation. Numbered per language. */
  lang: text('lang').notNull().default('en'),
  number: integer('number').notNull(),
  title: text('title').notNull(),
  summary: text('summary').notNull().default(''),
  body: text('body').notNull(),
  sha256: text('sha256').notNull(),
  publishedAt: integer('published_at', { mode: 'timestamp_ms' }).notNull(),
}, (t) => [uniqueIndex('letter_versions_letter_lang_number_uq').on(t.letterId, t.lang, t.number)]);

export type LetterRow = typeof letters.$inferSelect;
/** A letter as public pages and signing read it: its text comes from the published version, so the draft body is left in the database. */
export type PublicLetterRow = Omit<LetterRow, 'body'>;
export type LetterVersionRow = typeof letterVersions.$inferSelect;

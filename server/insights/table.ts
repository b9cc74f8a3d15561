import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { letters } from '../letters/table.js';

/*
 * Figures the insights page reads, kept by triggers on signatures (see migrations 0013 on SQLite and
 * postgres/0007) the way the letter counts are: a page view reads a few hundred rows at most,
 * never the letter's signatures. A signature counts as confirmed while it is pending or approved
 * (confirmed by its signer, neither rejected nor withdrawn), in the hour it was confirmed.
 */

/** Confirmed signatures per letter and hour (UTC, the hour's first millisecond). */
export const letterSigningHours = sqliteTable('letter_signing_hours', {
  letterId: integer('letter_id').notNull().references(() => letters.id, { onDelete: 'cascade' }),
  hourStart: integer('hour_start', { mode: 'timestamp_ms' }).notNull(),
  confirmed: integer('confirmed').notNull(),
}, (t) => [primaryKey({ columns: [t.letterId, t.hourStart] })]);

export const SIGNER_DIMENSIONS = ['source', 'domain', 'verified'] as const;
export type SignerDimension = (typeof SIGNER_DIMENSIONS)[number];

/**
 * Signers per letter grouped three ways: by source (the partner ref they came through, '' for
 * none), by email domain, and by verified affiliation ('yes' / 'no'). `signers` counts every
 * signature stored (any state), `confirmed` those confirmed and standing.
 */
export const letterSignerGroups = sqliteTable('letter_signer_groups', {
  letterId: integer('letter_id').notNull().references(() => letters.id, { onDelete: 'cascade' }),
  dimension: text('dimension', { enum: SIGNER_DIMENSIONS }).notNull(),
  value: text('value').notNull(),
  signers: integer('signers').notNull(),
  confirmed: integer('confirmed').notNull(),
}, (t) => [
  primaryKey({ columns: [t.letterId, t.dimension, t.value] }),
  // The top domains (or sources) of a letter without sorting all of them.
  index('letter_signer_groups_rank_idx').on(t.letterId, t.dimension, t.confirmed),
]);

export type SigningHourRow = typeof letterSigningHours.$inferSelect;
export type SignerGroupRow = typeof letterSignerGroups.$inferSelect;

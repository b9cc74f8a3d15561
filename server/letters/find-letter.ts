import type { Db } from '../db/client.js';
import { notFound } from '../web/errors.js';
import { effectiveStatus } from './letter-status.js';
import { findVersion, listLettersWithStatus, selectLetterById, selectLetterBySlug, selectPublicLetterBySlug } from './repo.js';
import type { LetterRow, LetterVersionRow, PublicLetterRow } from './table.js';

/**
 * The one way to find a letter, by who asks: the public (a published letter, by its address),
 * organisers and operators (drafts included, by address), and code that holds a letter's id.
 * Each answers 404 when there is none.
 */

export interface PublicLetter {
  letter: PublicLetterRow;
  version: LetterVersionRow;
}

export type PublishedLetterRow = PublicLetterRow & { currentVersionId: number };

const isPublished = (letter: PublicLetterRow): letter is PublishedLetterRow => letter.status !== 'draft' && letter.currentVersionId !== null;

/**
 * A letter the public may read (not a draft), by its address. The row alone, without the draft's
 * body: a page needs the published text (publishedVersionOf) only when it renders again.
 */
export function findPublicLetter(db: Db, slug: string): PublishedLetterRow {
  const letter = selectPublicLetterBySlug(db, slug);
  if (!letter || !isPublished(letter)) throw notFound('letter');
  return letter;
}

/** A public letter with the text version currently published. */
export function findPublicLetterWithVersion(db: Db, slug: string): PublicLetter {
  const letter = findPublicLetter(db, slug);
  return { letter, version: publishedVersionOf(db, letter) };
}

/** The published version a public letter row points at. */
export function publishedVersionOf(db: Db, letter: { currentVersionId: number }): LetterVersionRow {
  const version = findVersion(db, letter.currentVersionId);
  if (!version) throw notFound('letter');
  return version;
}

/** Any letter, drafts included, by its address: for organisers and operators. */
export function findLetter(db: Db, slug: string): LetterRow {
  const letter = selectLetterBySlug(db, slug);
  if (!letter) throw notFound('letter');
  return letter;
}

/** Any letter, drafts included, by its id: for code that holds one (a signature's letter, an export's). */
export function findLetterById(db: Db, id: number): LetterRow {
  const letter = selectLetterById(db, id);
  if (!letter) throw notFound('letter');
  return letter;
}

export const listOpenLetters = (db: Db, now: Date): LetterRow[] =>
  listLettersWithStatus(db, 'open').filter((letter) => effectiveStatus(letter, now) !== 'closed');

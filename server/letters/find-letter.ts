import type { Reader } from '../db/database.js';
import { notFound } from '../web/errors.js';
import { effectiveStatus } from './letter-status.js';
import { currentVersionIdIn } from './translations.js';
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
export async function findPublicLetter(db: Reader, slug: string): Promise<PublishedLetterRow> {
  const letter = await selectPublicLetterBySlug(db, slug);
  if (!letter || !isPublished(letter)) throw notFound('letter');
  return letter;
}

/** A public letter with the text version currently published. */
export async function findPublicLetterWithVersion(db: Reader, slug: string): Promise<PublicLetter> {
  const letter = await findPublicLetter(db, slug);
  return { letter, version: await publishedVersionOf(db, letter) };
}

/** The published version a public letter row points at. */
export async function publishedVersionOf(db: Reader, letter: { currentVersionId: number }): Promise<LetterVersionRow> {
  const version = await findVersion(db, letter.currentVersionId);
  if (!version) throw notFound('letter');
  return version;
}

/** The current version of a public letter's text in one of its languages (the original when it has no such translation). */
export async function publishedVersionIn(db: Reader, letter: PublishedLetterRow, lang: string): Promise<LetterVersionRow> {
  return publishedVersionOf(db, { currentVersionId: currentVersionIdIn(letter, lang) ?? letter.currentVersionId });
}

/** Any letter, drafts included, by its address: for organisers and operators. */
export async function findLetter(db: Reader, slug: string): Promise<LetterRow> {
  const letter = await selectLetterBySlug(db, slug);
  if (!letter) throw notFound('letter');
  return letter;
}

/** Any letter, drafts included, by its id: for code that holds one (a signature's letter, an export's). */
export async function findLetterById(db: Reader, id: number): Promise<LetterRow> {
  const letter = await selectLetterById(db, id);
  if (!letter) throw notFound('letter');
  return letter;
}

export const listOpenLetters = async (db: Reader, now: Date): Promise<LetterRow[]> =>
  (await listLettersWithStatus(db, 'open')).filter((letter) => effectiveStatus(letter, now) !== 'closed');

const lettersOfRequests = new WeakMap<object, Promise<PublishedLetterRow>>();

/**
 * The public letter a request addresses, looked up once per request however many of its
 * handlers ask (the signing limits and the sign handler both need it).
 */
export function findPublicLetterOnce(db: Reader, request: object, slug: string): Promise<PublishedLetterRow> {
  let letter = lettersOfRequests.get(request);
  if (!letter) {
    letter = findPublicLetter(db, slug);
    lettersOfRequests.set(request, letter);
  }
  return letter;
}

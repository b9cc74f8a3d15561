import { eq, max } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { sha256Hex } from '../lib/hash.js';
import { notFound } from '../web/errors.js';
import { findLetterById, findLetterBySlug, findPublicLetterRowBySlug, findVersion, listLettersWithStatus } from './repo.js';
import { letters, letterVersions, type LetterRow, type LetterVersionRow, type PublicLetterRow } from './table.js';

export interface LetterText {
  title: string;
  summary: string;
  body: string;
}

export interface NewLetter extends LetterText {
  slug: string;
  status?: LetterRow['status'];
  moderation?: LetterRow['moderation'];
  opensAt?: Date | null;
  closesAt?: Date | null;
}

/** Open for signing right now: status open and inside the optional opening window. */
export function isAcceptingSignatures(letter: Pick<LetterRow, 'status' | 'opensAt' | 'closesAt'>, now: Date): boolean {
  if (letter.status !== 'open') return false;
  if (letter.opensAt && letter.opensAt > now) return false;
  if (letter.closesAt && letter.closesAt <= now) return false;
  return true;
}

/** The status a reader sees, with the opening and closing times applied. */
export function effectiveStatus(letter: Pick<LetterRow, 'status' | 'opensAt' | 'closesAt'>, now: Date): 'draft' | 'scheduled' | 'open' | 'closed' {
  if (letter.status === 'draft') return 'draft';
  if (letter.status === 'closed') return 'closed';
  if (letter.opensAt && letter.opensAt > now) return 'scheduled';
  return isAcceptingSignatures(letter, now) ? 'open' : 'closed';
}

/** The honest count: confirmed signatures that are neither rejected nor withdrawn. */
export const signatureCount = (letter: Pick<LetterRow, 'countPending' | 'countApproved'>): number =>
  letter.countPending + letter.countApproved;

/** Columns public pages never show as such: the counts are shown as below. */
const COUNT_COLUMNS = new Set<string>(['countUnconfirmed', 'countPending', 'countApproved', 'countRejected', 'countWithdrawn']);

/**
 * What public pages show of a letter, as one string: every column but the raw counts, the honest
 * count and the status at `now`. public_revision stands for the signatories. Pages rendered from
 * equal fingerprints are equal, so a page can be kept until its letter's fingerprint moves.
 */
export function publicFingerprint(letter: PublicLetterRow, now: Date): string {
  // Built by hand, not with JSON.stringify: this runs on every public page view. Form input
  // never holds control characters, so the unit separator cannot occur inside a value.
  let fingerprint = '';
  for (const [column, value] of Object.entries(letter)) {
    if (!COUNT_COLUMNS.has(column)) fingerprint += `${value instanceof Date ? value.getTime() : value}\u001f`;
  }
  return `${fingerprint}${signatureCount(letter)}\u001f${effectiveStatus(letter, now)}`;
}

export const hashLetterText = (text: LetterText): string => sha256Hex(`${text.title}\n\n${text.summary}\n\n${text.body}`);

export interface PublicLetter {
  letter: PublicLetterRow;
  version: LetterVersionRow;
}

/** A letter the public may read (not a draft), with the text version currently published. */
export function findPublicLetter(db: Db, slug: string): PublicLetter {
  const letter = findPublicLetterRow(db, slug);
  return { letter, version: publishedVersionOf(db, letter) };
}

type PublishedLetterRow = PublicLetterRow & { currentVersionId: number };

const isPublished = (letter: PublicLetterRow): letter is PublishedLetterRow => letter.status !== 'draft' && letter.currentVersionId !== null;

/** The letter row alone, for a page that needs its text only when it renders again. */
export function findPublicLetterRow(db: Db, slug: string): PublishedLetterRow {
  const letter = findPublicLetterRowBySlug(db, slug);
  if (!letter || !isPublished(letter)) throw notFound('letter');
  return letter;
}

/** The published version a public letter row points at. */
export function publishedVersionOf(db: Db, letter: { currentVersionId: number }): LetterVersionRow {
  const version = findVersion(db, letter.currentVersionId);
  if (!version) throw notFound('letter');
  return version;
}

/** Any letter, drafts included, for organisers and operators; 404 when there is none. */
export function findLetter(db: Db, ref: { id: number } | { slug: string }): LetterRow {
  const letter = 'id' in ref ? findLetterById(db, ref.id) : findLetterBySlug(db, ref.slug);
  if (!letter) throw notFound('letter');
  return letter;
}

/**
 * When a letter stopped taking signatures, or undefined while it still can: the earlier of the
 * moment an organiser closed it by hand and a scheduled closing time that has passed. (A letter
 * closed by hand before closed_at was recorded has its last change then as its closing moment,
 * which is never earlier than the real one.)
 */
export function closedSince(letter: Pick<LetterRow, 'status' | 'opensAt' | 'closesAt' | 'closedAt' | 'updatedAt'>, now: Date): Date | undefined {
  if (effectiveStatus(letter, now) !== 'closed') return undefined;
  const scheduled = letter.closesAt && letter.closesAt <= now ? letter.closesAt : undefined;
  const byHand = letter.status === 'closed' ? (letter.closedAt ?? letter.updatedAt) : undefined;
  if (scheduled && byHand) return scheduled < byHand ? scheduled : byHand;
  return scheduled ?? byHand;
}

/** Records that a letter's signatories were anonymised; call inside that transaction. */
export function markLetterAnonymised(tx: Db, letterId: number, now: Date): void {
  tx.update(letters).set({ anonymisedAt: now, updatedAt: now }).where(eq(letters.id, letterId)).run();
}

export const listOpenLetters = (db: Db, now: Date): LetterRow[] =>
  listLettersWithStatus(db, 'open').filter((letter) => effectiveStatus(letter, now) !== 'closed');

/**
 * Records the letter's current text as a new version unless it is unchanged; call inside the
 * transaction that changed the text. Signatures point at the version they were given.
 */
export function publishVersion(tx: Db, letterId: number, text: LetterText, now: Date): LetterVersionRow {
  const sha256 = hashLetterText(text);
  const letter = tx.select().from(letters).where(eq(letters.id, letterId)).get();
  const current = letter?.currentVersionId ? findVersion(tx, letter.currentVersionId) : undefined;
  if (current && current.sha256 === sha256) return current;
  const latest = tx.select({ number: max(letterVersions.number) }).from(letterVersions).where(eq(letterVersions.letterId, letterId)).get();
  const version = tx
    .insert(letterVersions)
    .values({ letterId, number: (latest?.number ?? 0) + 1, title: text.title, summary: text.summary, body: text.body, sha256, publishedAt: now })
    .returning()
    .get();
  tx.update(letters).set({ currentVersionId: version.id, updatedAt: now }).where(eq(letters.id, letterId)).run();
  return version;
}

export function createLetter(db: Db, input: NewLetter, now: Date): LetterRow {
  return db.transaction((tx) => {
    const letter = tx
      .insert(letters)
      .values({
        slug: input.slug,
        title: input.title,
        summary: input.summary,
        body: input.body,
        status: input.status ?? 'draft',
        moderation: input.moderation ?? 'pre',
        opensAt: input.opensAt ?? null,
        closesAt: input.closesAt ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    const version = publishVersion(tx, letter.id, input, now);
    return { ...letter, currentVersionId: version.id };
  });
}

/**
 * While a letter is a draft nobody can read or sign it, so its one version is rewritten in place:
 * the public history starts at the text the letter opened with, not at the first rough draft.
 */
export function rewriteDraftVersion(tx: Db, letter: LetterRow, text: LetterText, now: Date): LetterVersionRow {
  const signed = letter.countUnconfirmed + letter.countPending + letter.countApproved + letter.countRejected + letter.countWithdrawn;
  if (letter.status !== 'draft' || signed > 0 || letter.currentVersionId === null) return publishVersion(tx, letter.id, text, now);
  return tx
    .update(letterVersions)
    .set({ title: text.title, summary: text.summary, body: text.body, sha256: hashLetterText(text), publishedAt: now })
    .where(eq(letterVersions.id, letter.currentVersionId))
    .returning()
    .get();
}

/** The first opening publishes the draft's version: its date becomes the day readers first saw it. */
export function stampFirstPublication(tx: Db, letter: LetterRow, now: Date): void {
  if (letter.status !== 'draft' || letter.currentVersionId === null) return;
  tx.update(letterVersions).set({ publishedAt: now }).where(eq(letterVersions.id, letter.currentVersionId)).run();
}

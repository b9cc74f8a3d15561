import { eq, max } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { sha256Hex } from '../lib/hash.js';
import { findVersion } from './repo.js';
import { letters, letterVersions, type LetterRow, type LetterVersionRow } from './table.js';

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

export const hashLetterText = (text: LetterText): string => sha256Hex(`${text.title}\n\n${text.summary}\n\n${text.body}`);

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

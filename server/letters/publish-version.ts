import { eq } from 'drizzle-orm';
import { first, one, type Tx } from '../db/database.js';
import { sha256Hex } from '../lib/hash.js';
import { findVersion, latestVersionNumber } from './repo.js';
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
  /** The language it is written in; 'en' unless given. */
  lang?: string;
}

export const hashLetterText = (text: LetterText): string => sha256Hex(`${text.title}\n\n${text.summary}\n\n${text.body}`);

/**
 * Records the letter's current text as a new version unless it is unchanged; call inside the
 * transaction that changed the text. Signatures point at the version they were given.
 */
export async function publishVersion(tx: Tx, letterId: number, text: LetterText, now: Date): Promise<LetterVersionRow> {
  const sha256 = hashLetterText(text);
  const letter = await first(tx.select().from(letters).where(eq(letters.id, letterId)));
  const current = letter?.currentVersionId ? await findVersion(tx, letter.currentVersionId) : undefined;
  if (current && current.sha256 === sha256) return current;
  const lang = letter?.lang ?? 'en';
  const version = await one(
    tx
      .insert(letterVersions)
      .values({ letterId, lang, number: (await latestVersionNumber(tx, letterId, lang)) + 1, title: text.title, summary: text.summary, body: text.body, sha256, publishedAt: now })
      .returning(),
  );
  await tx.update(letters).set({ currentVersionId: version.id, updatedAt: now }).where(eq(letters.id, letterId));
  return version;
}

/** Creates a letter with its first version; call inside a write. */
export async function createLetter(tx: Tx, input: NewLetter, now: Date): Promise<LetterRow> {
  const letter = await one(
    tx
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
      lang: input.lang ?? 'en',
      createdAt: now,
      updatedAt: now,
    })
    .returning(),
  );
  const version = await publishVersion(tx, letter.id, input, now);
  return { ...letter, currentVersionId: version.id };
}

/**
 * While a letter is a draft nobody can read or sign it, so its one version is rewritten in place:
 * the public history starts at the text the letter opened with, not at the first rough draft.
 */
export async function rewriteDraftVersion(tx: Tx, letter: LetterRow, text: LetterText, now: Date): Promise<LetterVersionRow> {
  const signed = letter.countUnconfirmed + letter.countPending + letter.countApproved + letter.countRejected + letter.countWithdrawn;
  if (letter.status !== 'draft' || signed > 0 || letter.currentVersionId === null) return publishVersion(tx, letter.id, text, now);
  return one(
    tx
      .update(letterVersions)
      .set({ title: text.title, summary: text.summary, body: text.body, sha256: hashLetterText(text), publishedAt: now })
      .where(eq(letterVersions.id, letter.currentVersionId))
      .returning(),
  );
}

/** The first opening publishes the draft's version: its date becomes the day readers first saw it. */
export async function stampFirstPublication(tx: Tx, letter: LetterRow, now: Date): Promise<void> {
  if (letter.status !== 'draft' || letter.currentVersionId === null) return;
  await tx.update(letterVersions).set({ publishedAt: now }).where(eq(letterVersions.id, letter.currentVersionId));
}

import { and, asc, count, desc, eq, getTableColumns, max, sql } from 'drizzle-orm';
import { first, type Reader, type Tx } from '../db/database.js';
import { preparedQuery } from '../db/prepared.js';
import { letters, letterVersions, type LetterRow, type LetterVersionRow, type PublicLetterRow } from './table.js';

const letterBySlug = preparedQuery((db) => db.select().from(letters).where(eq(letters.slug, sql.placeholder('slug'))));
export const selectLetterBySlug = (db: Reader, slug: string): Promise<LetterRow | undefined> => letterBySlug.first(db, { slug });

const { body: _draftBody, ...publicColumns } = getTableColumns(letters);
const publicLetterBySlug = preparedQuery((db) => db.select(publicColumns).from(letters).where(eq(letters.slug, sql.placeholder('slug'))));
export const selectPublicLetterBySlug = (db: Reader, slug: string): Promise<PublicLetterRow | undefined> => publicLetterBySlug.first(db, { slug });

export const selectLetterById = (db: Reader, id: number): Promise<LetterRow | undefined> => first(db.select().from(letters).where(eq(letters.id, id)));

export const listLettersWithStatus = (db: Reader, status: LetterRow['status']): Promise<LetterRow[]> =>
  db.select().from(letters).where(eq(letters.status, status)).orderBy(desc(letters.createdAt));

export const listAllLetters = (db: Reader): Promise<LetterRow[]> => db.select().from(letters).orderBy(desc(letters.createdAt));

export const countLetters = async (db: Reader): Promise<number> => (await first(db.select({ n: count() }).from(letters)))?.n ?? 0;

const versionById = preparedQuery((db) => db.select().from(letterVersions).where(eq(letterVersions.id, sql.placeholder('id'))));
export const findVersion = (db: Reader, id: number): Promise<LetterVersionRow | undefined> => versionById.first(db, { id });

/** The versions of a letter's text in one language (its original's or a translation's), oldest first. */
export const listVersions = (db: Reader, letterId: number, lang: string): Promise<LetterVersionRow[]> =>
  db.select().from(letterVersions).where(and(eq(letterVersions.letterId, letterId), eq(letterVersions.lang, lang))).orderBy(asc(letterVersions.number));

export const findVersionByNumber = (db: Reader, letterId: number, lang: string, number: number): Promise<LetterVersionRow | undefined> =>
  first(db.select().from(letterVersions).where(and(eq(letterVersions.letterId, letterId), eq(letterVersions.lang, lang), eq(letterVersions.number, number))));

export const latestVersionNumber = async (db: Reader, letterId: number, lang: string): Promise<number> =>
  (await first(db.select({ number: max(letterVersions.number) }).from(letterVersions).where(and(eq(letterVersions.letterId, letterId), eq(letterVersions.lang, lang)))))?.number ?? 0;

/** Records that a letter's signatories were anonymised; call inside that transaction. */
export async function markLetterAnonymised(tx: Tx, letterId: number, now: Date): Promise<void> {
  await tx.update(letters).set({ anonymisedAt: now, updatedAt: now }).where(eq(letters.id, letterId));
}


/** Every letter's id, oldest first: for commands that go through letters one transaction at a time. */
export const listLetterIds = async (db: Reader): Promise<number[]> => (await db.select({ id: letters.id }).from(letters).orderBy(letters.id)).map((row) => row.id);

export type LetterCounts = Pick<LetterRow, 'countUnconfirmed' | 'countPending' | 'countApproved' | 'countRejected' | 'countWithdrawn' | 'countListed'>;

/**
 * Locks the letter's row for the rest of the transaction (a no-op update): on PostgreSQL, the
 * count triggers of concurrent signings update this row too, so they wait until a recount is done.
 */
export async function lockLetterRow(tx: Tx, letterId: number): Promise<void> {
  await tx.update(letters).set({ id: letterId }).where(eq(letters.id, letterId));
}

/** Overwrites the counts the triggers keep: only for a repair after a recount, inside its transaction. */
export async function writeLetterCounts(tx: Tx, letterId: number, counts: LetterCounts): Promise<void> {
  await tx.update(letters).set(counts).where(eq(letters.id, letterId));
}

/** Moves a letter's page revision so every process renders its kept pages again. */
export async function bumpPublicRevision(tx: Tx, letterId: number): Promise<void> {
  await tx.update(letters).set({ publicRevision: sql`${letters.publicRevision} + 1` }).where(eq(letters.id, letterId));
}

import { and, asc, count, desc, eq, getTableColumns, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { preparedPerConnection } from '../db/prepared.js';
import { letters, letterVersions, type LetterRow, type LetterVersionRow, type PublicLetterRow } from './table.js';

const letterBySlug = preparedPerConnection((db) => db.select().from(letters).where(eq(letters.slug, sql.placeholder('slug'))).prepare());
export const selectLetterBySlug = (db: Db, slug: string): LetterRow | undefined => letterBySlug(db).get({ slug });

const { body: _draftBody, ...publicColumns } = getTableColumns(letters);
const publicLetterBySlug = preparedPerConnection((db) => db.select(publicColumns).from(letters).where(eq(letters.slug, sql.placeholder('slug'))).prepare());
export const selectPublicLetterBySlug = (db: Db, slug: string): PublicLetterRow | undefined => publicLetterBySlug(db).get({ slug });

export const selectLetterById = (db: Db, id: number): LetterRow | undefined =>
  db.select().from(letters).where(eq(letters.id, id)).get();

export const listLettersWithStatus = (db: Db, status: LetterRow['status']): LetterRow[] =>
  db.select().from(letters).where(eq(letters.status, status)).orderBy(desc(letters.createdAt)).all();

export const listAllLetters = (db: Db): LetterRow[] => db.select().from(letters).orderBy(desc(letters.createdAt)).all();

export const countLetters = (db: Db): number => db.select({ n: count() }).from(letters).get()?.n ?? 0;

const versionById = preparedPerConnection((db) => db.select().from(letterVersions).where(eq(letterVersions.id, sql.placeholder('id'))).prepare());
export const findVersion = (db: Db, id: number): LetterVersionRow | undefined => versionById(db).get({ id });

export const listVersions = (db: Db, letterId: number): LetterVersionRow[] =>
  db.select().from(letterVersions).where(eq(letterVersions.letterId, letterId)).orderBy(asc(letterVersions.number)).all();

export const findVersionByNumber = (db: Db, letterId: number, number: number): LetterVersionRow | undefined =>
  db.select().from(letterVersions).where(and(eq(letterVersions.letterId, letterId), eq(letterVersions.number, number))).get();

/** Records that a letter's signatories were anonymised; call inside that transaction. */
export function markLetterAnonymised(tx: Db, letterId: number, now: Date): void {
  tx.update(letters).set({ anonymisedAt: now, updatedAt: now }).where(eq(letters.id, letterId)).run();
}


/** Every letter's id, oldest first: for commands that go through letters one transaction at a time. */
export const listLetterIds = (db: Db): number[] =>
  db.select({ id: letters.id }).from(letters).orderBy(letters.id).all().map((row) => row.id);

export type LetterCounts = Pick<LetterRow, 'countUnconfirmed' | 'countPending' | 'countApproved' | 'countRejected' | 'countWithdrawn' | 'countListed'>;

/** Overwrites the counts the triggers keep: only for a repair after a recount, inside its transaction. */
export function writeLetterCounts(tx: Db, letterId: number, counts: LetterCounts): void {
  tx.update(letters).set(counts).where(eq(letters.id, letterId)).run();
}

/** Moves a letter's page revision so every process renders its kept pages again. */
export function bumpPublicRevision(tx: Db, letterId: number): void {
  tx.update(letters).set({ publicRevision: sql`${letters.publicRevision} + 1` }).where(eq(letters.id, letterId)).run();
}

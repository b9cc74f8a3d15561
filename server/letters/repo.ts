import { and, asc, count, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { letters, letterVersions, type LetterRow, type LetterVersionRow } from './table.js';

export const findLetterBySlug = (db: Db, slug: string): LetterRow | undefined =>
  db.select().from(letters).where(eq(letters.slug, slug)).get();

export const findLetterById = (db: Db, id: number): LetterRow | undefined =>
  db.select().from(letters).where(eq(letters.id, id)).get();

export const listLettersWithStatus = (db: Db, status: LetterRow['status']): LetterRow[] =>
  db.select().from(letters).where(eq(letters.status, status)).orderBy(desc(letters.createdAt)).all();

export const listAllLetters = (db: Db): LetterRow[] => db.select().from(letters).orderBy(desc(letters.createdAt)).all();

export const countLetters = (db: Db): number => db.select({ n: count() }).from(letters).get()?.n ?? 0;

export const findVersion = (db: Db, id: number): LetterVersionRow | undefined =>
  db.select().from(letterVersions).where(eq(letterVersions.id, id)).get();

export const listVersions = (db: Db, letterId: number): LetterVersionRow[] =>
  db.select().from(letterVersions).where(eq(letterVersions.letterId, letterId)).orderBy(asc(letterVersions.number)).all();

export const findVersionByNumber = (db: Db, letterId: number, number: number): LetterVersionRow | undefined =>
  db.select().from(letterVersions).where(and(eq(letterVersions.letterId, letterId), eq(letterVersions.number, number))).get();

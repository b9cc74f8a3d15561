import { and, asc, eq, sql } from 'drizzle-orm';
import { first, type Reader } from '../db/database.js';
import { preparedQuery } from '../db/prepared.js';
import { AppError } from '../web/errors.js';
import { letterPartners, type PartnerRow } from './table.js';

/** A partner as pages show it: its origins as a list. */
export interface Partner {
  id: number;
  name: string;
  ref: string;
  origins: string[];
}

const partnerOf = (row: PartnerRow): Partner => ({ id: row.id, name: row.name, ref: row.ref, origins: row.origins.split(' ').filter(Boolean) });

export const originsText = (origins: readonly string[]): string => origins.join(' ');

/** A letter's partners by name. */
/** Read on every insights page view (its figures' fingerprint): prepared once. */
const partnersOfLetter = preparedQuery((db) => db.select().from(letterPartners).where(eq(letterPartners.letterId, sql.placeholder('letterId'))).orderBy(asc(letterPartners.name), asc(letterPartners.id)));

export async function listPartners(db: Reader, letterId: number): Promise<Partner[]> {
  return (await partnersOfLetter.rows(db, { letterId })).map(partnerOf);
}

export async function findPartner(db: Reader, letterId: number, id: number): Promise<Partner> {
  const row = await first(db.select().from(letterPartners).where(and(eq(letterPartners.letterId, letterId), eq(letterPartners.id, id))));
  if (!row) throw new AppError('not_found', 404, 'We could not find that partner.');
  return partnerOf(row);
}

/** The partner registered for a ref on a letter, if any (an unregistered ref is still a source). */
export async function findPartnerByRef(db: Reader, letterId: number, ref: string): Promise<Partner | undefined> {
  const row = await first(db.select().from(letterPartners).where(and(eq(letterPartners.letterId, letterId), eq(letterPartners.ref, ref))));
  return row && partnerOf(row);
}

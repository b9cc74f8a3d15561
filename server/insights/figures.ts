import { and, asc, desc, eq } from 'drizzle-orm';
import type { Reader } from '../db/database.js';
import { letterSignerGroups, letterSigningHours, type SignerDimension } from './table.js';
import { closedSince, type LetterRow } from '../letters/index.js';
import { listPartners } from '../partners/index.js';
import { organisationBreakdown } from '../signatures/index.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** Hours shown one by one after publication; days after that (and for the whole campaign). */
export const FIRST_HOURS = 72;
/** The longest campaign shown day by day (ten years); older days are left off. */
const MAX_DAYS = 3660;
export const TOP = 10;
/** Sources shown: registered partners, direct, and the busiest unregistered refs. */
const MAX_SOURCES = 50;

export interface Bucket {
  start: Date;
  confirmed: number;
}

export interface SourceFigures {
  /** The ref, or '' for signers who came without one ("direct"). */
  ref: string;
  /** The registered partner's name, if the ref is registered. */
  partner: string | undefined;
  signers: number;
  confirmed: number;
  /** confirmed / signers, undefined with no signer. */
  rate: number | undefined;
}

export interface LetterInsights {
  /** When counting starts: the letter's opening time, or the hour of its first confirmation if that came earlier or it has none. */
  start: Date | undefined;
  /** Confirmed signatures in each of the first 72 hours after `start`. */
  hours: Bucket[];
  /** Confirmed signatures per UTC day, from the day of `start` to today (or the day the letter closed). */
  days: Bucket[];
  states: { unconfirmed: number; pending: number; approved: number; rejected: number; withdrawn: number; confirmed: number; listed: number };
  /** Confirmed signers with a verified affiliation (an address at their organisation's domain), and without. */
  verified: { yes: number; no: number };
  sources: SourceFigures[];
  domains: Array<{ domain: string; signers: number; confirmed: number }>;
  organisations: { total: number; top: Array<{ name: string; listed: number }> };
}

const floorTo = (ms: number, unit: number): number => ms - (((ms % unit) + unit) % unit);

const groupRows = (db: Reader, letterId: number, dimension: SignerDimension, limit: number) =>
  db
    .select({ value: letterSignerGroups.value, signers: letterSignerGroups.signers, confirmed: letterSignerGroups.confirmed })
    .from(letterSignerGroups)
    .where(and(eq(letterSignerGroups.letterId, letterId), eq(letterSignerGroups.dimension, dimension)))
    .orderBy(desc(letterSignerGroups.confirmed), asc(letterSignerGroups.value))
    .limit(limit);

/**
 * Everything the insights page and its CSV show, read from the kept figures (a few hundred rows
 * at most, whatever the number of signatures) and the letter's own counts.
 */
export async function letterInsights(db: Reader, letter: LetterRow, now: Date): Promise<LetterInsights> {
  const [hourRows, sourceRows, domainRows, verifiedRows, partners, organisations] = await Promise.all([
    db.select({ start: letterSigningHours.hourStart, confirmed: letterSigningHours.confirmed }).from(letterSigningHours).where(eq(letterSigningHours.letterId, letter.id)).orderBy(asc(letterSigningHours.hourStart)),
    groupRows(db, letter.id, 'source', MAX_SOURCES),
    groupRows(db, letter.id, 'domain', TOP),
    groupRows(db, letter.id, 'verified', 2),
    listPartners(db, letter.id),
    organisationBreakdown(db, letter.id, TOP),
  ]);
  const counted = hourRows.filter((row) => row.confirmed !== 0);
  // A row stays at zero once its signatures are withdrawn: the campaign still started then.
  const firstConfirmed = hourRows[0]?.start.getTime();
  const opened = letter.opensAt?.getTime();
  const startMs = firstConfirmed === undefined ? opened : opened === undefined ? firstConfirmed : Math.min(opened, firstConfirmed);
  const start = startMs === undefined ? undefined : floorTo(startMs, HOUR_MS);
  const byHour = new Map(counted.map((row) => [row.start.getTime(), row.confirmed]));

  const hours: Bucket[] = start === undefined ? [] : Array.from({ length: FIRST_HOURS }, (_, i) => ({ start: new Date(start + i * HOUR_MS), confirmed: byHour.get(start + i * HOUR_MS) ?? 0 }));

  const days: Bucket[] = [];
  if (start !== undefined) {
    const lastHour = counted.at(-1)?.start.getTime() ?? start;
    const end = Math.max(lastHour, Math.min(now.getTime(), closedSince(letter, now)?.getTime() ?? Infinity));
    const firstDay = Math.max(floorTo(start, DAY_MS), floorTo(end, DAY_MS) - (MAX_DAYS - 1) * DAY_MS);
    const perDay = new Map<number, number>();
    for (const row of counted) {
      const day = floorTo(row.start.getTime(), DAY_MS);
      perDay.set(day, (perDay.get(day) ?? 0) + row.confirmed);
    }
    for (let day = firstDay; day <= end; day += DAY_MS) days.push({ start: new Date(day), confirmed: perDay.get(day) ?? 0 });
  }

  const partnerByRef = new Map(partners.map((partner) => [partner.ref, partner.name]));
  const sources = sourceRows.filter((row) => row.signers !== 0 || row.confirmed !== 0).map((row) => sourceOf(row.value, partnerByRef.get(row.value), row.signers, row.confirmed));
  // A registered partner no one has signed through yet still has its line (at zero).
  for (const partner of partners) if (!sources.some((source) => source.ref === partner.ref)) sources.push(sourceOf(partner.ref, partner.name, 0, 0));

  const verifiedCount = (value: string): number => verifiedRows.find((row) => row.value === value)?.confirmed ?? 0;
  return {
    start: start === undefined ? undefined : new Date(start),
    hours,
    days,
    states: {
      unconfirmed: letter.countUnconfirmed,
      pending: letter.countPending,
      approved: letter.countApproved,
      rejected: letter.countRejected,
      withdrawn: letter.countWithdrawn,
      confirmed: letter.countPending + letter.countApproved,
      listed: letter.countListed,
    },
    verified: { yes: verifiedCount('yes'), no: verifiedCount('no') },
    sources,
    // An erased or anonymised signature keeps no address, so no domain: it is not a domain anyone signed from.
    domains: domainRows.filter((row) => row.signers > 0 && row.value !== '').map((row) => ({ domain: row.value, signers: row.signers, confirmed: row.confirmed })),
    organisations,
  };
}

const sourceOf = (ref: string, partner: string | undefined, signers: number, confirmed: number): SourceFigures => ({
  ref,
  partner,
  signers,
  confirmed,
  rate: signers > 0 ? confirmed / signers : undefined,
});

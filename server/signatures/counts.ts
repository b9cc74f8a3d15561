import { and, count, eq, isNotNull, min, sql } from 'drizzle-orm';
import { recordAudit, type Actor } from '../audit/record.js';
import type { Context } from '../context.js';
import type { Db } from '../db/client.js';
import { letters } from '../letters/table.js';
import { letterOrganisationCounts, signatures, SIGNATURE_STATES, type SignatureState } from './table.js';

/** The per-letter counts the triggers keep (migrations 0001), one per state plus the listed ones. */
const COUNT_COLUMNS = {
  unconfirmed: 'countUnconfirmed',
  pending: 'countPending',
  approved: 'countApproved',
  rejected: 'countRejected',
  withdrawn: 'countWithdrawn',
} as const satisfies Record<SignatureState, string>;

type CountField = (typeof COUNT_COLUMNS)[SignatureState] | 'countListed';
type Counts = Record<CountField, number>;

export interface CountDrift {
  field: CountField;
  stored: number;
  actual: number;
}

export interface LetterDrift {
  letterId: number;
  slug: string;
  drift: CountDrift[];
  /** Organisations whose listed count in the breakdown differs from a recount (or is missing, or left over). */
  organisationsWrong: number;
}

export interface CountsReport {
  letters: number;
  drifted: LetterDrift[];
  repaired: boolean;
}

const isListed = sql`${signatures.state} = 'approved' AND ${signatures.showPublic} = 1`;

/**
 * Recounts every letter's signatures from the rows and compares them with the counts the
 * triggers keep, the per-state counts and the organisation breakdown alike. Unless `dryRun`, the
 * drifted letters are corrected in the same transaction, audited. The triggers make drift
 * impossible through the application; this is for a database edited by hand or restored in part.
 */
export function repairCounts(ctx: Pick<Context, 'db' | 'now'>, options: { actor: Actor; dryRun?: boolean }): CountsReport {
  const now = ctx.now();
  // Immediate: the recount and the fix see the same rows even with the server writing meanwhile.
  return ctx.db.transaction((tx) => {
    const actual = recount(tx);
    const drifted: LetterDrift[] = [];
    const all = tx.select().from(letters).all();
    for (const letter of all) {
      const counts = actual.get(letter.id) ?? zeroCounts();
      const drift: CountDrift[] = (Object.keys(counts) as CountField[])
        .filter((field) => letter[field] !== counts[field])
        .map((field) => ({ field, stored: letter[field], actual: counts[field] }));
      const organisationsWrong = countWrongOrganisationGroups(tx, letter.id);
      if (drift.length === 0 && organisationsWrong === 0) continue;
      drifted.push({ letterId: letter.id, slug: letter.slug, drift, organisationsWrong });
      if (options.dryRun) continue;
      if (drift.length > 0) tx.update(letters).set(counts).where(eq(letters.id, letter.id)).run();
      if (organisationsWrong > 0) rebuildOrganisationCounts(tx, letter.id);
    }
    const repaired = !options.dryRun && drifted.length > 0;
    if (repaired) recordAudit(tx, { actor: options.actor, action: 'counts.repair', details: { drifted } }, now);
    return { letters: all.length, drifted, repaired };
  }, { behavior: 'immediate' });
}

const zeroCounts = (): Counts => ({ countUnconfirmed: 0, countPending: 0, countApproved: 0, countRejected: 0, countWithdrawn: 0, countListed: 0 });

function recount(tx: Db): Map<number, Counts> {
  const byLetter = new Map<number, Counts>();
  const countsOf = (letterId: number): Counts => {
    let counts = byLetter.get(letterId);
    if (!counts) byLetter.set(letterId, (counts = zeroCounts()));
    return counts;
  };
  const byState = tx.select({ letterId: signatures.letterId, state: signatures.state, n: count() }).from(signatures).groupBy(signatures.letterId, signatures.state).all();
  for (const row of byState) {
    if (SIGNATURE_STATES.includes(row.state)) countsOf(row.letterId)[COUNT_COLUMNS[row.state]] = row.n;
  }
  const listed = tx.select({ letterId: signatures.letterId, n: count() }).from(signatures).where(isListed).groupBy(signatures.letterId).all();
  for (const row of listed) countsOf(row.letterId).countListed = row.n;
  return byLetter;
}

const groupsOfListed = (tx: Db, letterId: number) =>
  tx
    .select({ organisationGroup: sql<string>`${signatures.organisationGroup}`, organisationId: signatures.organisationId, label: min(signatures.organisationText), listed: count() })
    .from(signatures)
    .where(and(eq(signatures.letterId, letterId), isListed, isNotNull(signatures.organisationGroup)))
    .groupBy(signatures.organisationGroup)
    .all();

function countWrongOrganisationGroups(tx: Db, letterId: number): number {
  const actual = new Map(groupsOfListed(tx, letterId).map((row) => [row.organisationGroup, row.listed]));
  const stored = new Map(
    tx.select().from(letterOrganisationCounts).where(eq(letterOrganisationCounts.letterId, letterId)).all().map((row) => [row.organisationGroup, row.listed]),
  );
  const groups = new Set([...actual.keys(), ...stored.keys()]);
  return [...groups].filter((group) => actual.get(group) !== stored.get(group)).length;
}

function rebuildOrganisationCounts(tx: Db, letterId: number): void {
  tx.delete(letterOrganisationCounts).where(eq(letterOrganisationCounts.letterId, letterId)).run();
  const rows = groupsOfListed(tx, letterId).map((row) => ({ letterId, organisationGroup: row.organisationGroup, organisationId: row.organisationId, label: row.label ?? '', listed: row.listed }));
  for (let start = 0; start < rows.length; start += 500) tx.insert(letterOrganisationCounts).values(rows.slice(start, start + 500)).run();
}

import { and, count, eq, isNotNull, min, sql } from 'drizzle-orm';
import { CliError, type Command } from '../cli/command.js';
import type { Context } from '../context.js';
import type { Db } from '../db/client.js';
import { isListed, letterOrganisationCounts, signatures, SIGNATURE_STATES, type SignatureState } from './table.js';
import { SYSTEM_ACTOR, recordAudit, type Actor } from '../audit/index.js';
import { bumpPublicRevision, findLetterById, listLetterIds, writeLetterCounts } from '../letters/index.js';

/** The per-letter counts the triggers keep (migrations 0001, as 0010 re-created them), one per state plus the listed ones. */
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

/**
 * Recounts every letter's signatures from the rows and compares them with the counts the
 * triggers keep, the per-state counts and the organisation breakdown alike. Unless `dryRun`, each
 * drifted letter is corrected, audited, in a transaction of its own: the server's writers then
 * wait for one letter's recount at most, never for the whole database's. The triggers make drift
 * impossible through the application; this is for a database edited by hand or restored in part.
 */
export function repairCounts(ctx: Pick<Context, 'db' | 'now'>, options: { actor: Actor; dryRun?: boolean }): CountsReport {
  const ids = listLetterIds(ctx.db);
  const drifted: LetterDrift[] = [];
  for (const id of ids) {
    // Immediate (as every transaction here): the recount and the fix see the same rows.
    const drift = ctx.db.transaction((tx) => repairLetter(tx, id, options, ctx.now()));
    if (drift) drifted.push(drift);
  }
  return { letters: ids.length, drifted, repaired: !options.dryRun && drifted.length > 0 };
}

function repairLetter(tx: Db, letterId: number, options: { actor: Actor; dryRun?: boolean }, now: Date): LetterDrift | undefined {
  const letter = findLetterById(tx, letterId);
  const counts = recount(tx, letterId);
  const drift: CountDrift[] = (Object.keys(counts) as CountField[])
    .filter((field) => letter[field] !== counts[field])
    .map((field) => ({ field, stored: letter[field], actual: counts[field] }));
  const organisationsWrong = countWrongOrganisationGroups(tx, letterId);
  if (drift.length === 0 && organisationsWrong === 0) return undefined;
  const found = { letterId, slug: letter.slug, drift, organisationsWrong };
  if (options.dryRun) return found;
  if (drift.length > 0) writeLetterCounts(tx, letterId, counts);
  if (organisationsWrong > 0) rebuildOrganisationCounts(tx, letterId);
  recordAudit(tx, { actor: options.actor, action: 'counts.repair', details: { drifted: [found] } }, now);
  return found;
}

const zeroCounts = (): Counts => ({ countUnconfirmed: 0, countPending: 0, countApproved: 0, countRejected: 0, countWithdrawn: 0, countListed: 0 });

function recount(tx: Db, letterId: number): Counts {
  const counts = zeroCounts();
  const byState = tx.select({ state: signatures.state, n: count() }).from(signatures).where(eq(signatures.letterId, letterId)).groupBy(signatures.state).all();
  for (const row of byState) {
    if (SIGNATURE_STATES.includes(row.state)) counts[COUNT_COLUMNS[row.state]] = row.n;
  }
  counts.countListed = tx.select({ n: count() }).from(signatures).where(and(eq(signatures.letterId, letterId), isListed)).get()?.n ?? 0;
  return counts;
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

/** Rebuilds a letter's breakdown and moves its page revision, so pages kept with the wrong breakdown are rendered again. */
function rebuildOrganisationCounts(tx: Db, letterId: number): void {
  bumpPublicRevision(tx, letterId);
  tx.delete(letterOrganisationCounts).where(eq(letterOrganisationCounts.letterId, letterId)).run();
  const rows = groupsOfListed(tx, letterId).map((row) => ({ letterId, organisationGroup: row.organisationGroup, organisationId: row.organisationId, label: row.label ?? '', listed: row.listed }));
  for (let start = 0; start < rows.length; start += 500) tx.insert(letterOrganisationCounts).values(rows.slice(start, start + 500)).run();
}

const describeDrift = (letter: LetterDrift): string => {
  const parts = letter.drift.map((d) => `${d.field} ${d.stored} -> ${d.actual}`);
  if (letter.organisationsWrong > 0) parts.push(`organisation breakdown: ${letter.organisationsWrong} wrong`);
  return `letter ${letter.slug}: ${parts.join(', ')}`;
};

export const countsCommand: Command = {
  summary: 'recount signatures per letter and repair drifted counts',
  help: `Usage: undersigned counts repair [--dry-run]

Recounts every letter's signatures by state, the number listed publicly and the organisation
breakdown from the signature rows, reports every letter whose stored counts differ, and fixes them,
one short transaction per letter so the running server is never kept waiting long (each fix is
recorded in the audit log). With --dry-run it only reports.
The database keeps these counts itself; drift means the file was edited by hand or restored in part.`,
  run(args, env) {
    const [action, ...flags] = args;
    const unknown = flags.filter((flag) => flag !== '--dry-run');
    if (action !== 'repair' || unknown.length > 0) throw new CliError(`expected "counts repair [--dry-run]", got "counts ${args.join(' ')}"`);
    const dryRun = flags.includes('--dry-run');
    const database = env.openDatabase();
    try {
      const report = repairCounts({ db: database.db, now: () => new Date() }, { actor: SYSTEM_ACTOR, dryRun });
      for (const letter of report.drifted) env.stdout.write(`${describeDrift(letter)}\n`);
      const outcome = report.drifted.length === 0 ? 'all counts match' : dryRun ? 'nothing changed (dry run)' : 'repaired';
      env.stdout.write(`${report.drifted.length} of ${report.letters} letters drifted; ${outcome}\n`);
    } finally {
      database.close();
    }
  },
};

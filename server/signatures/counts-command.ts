import { and, count, eq, isNotNull, min, sql } from 'drizzle-orm';
import { CliError, withDatabase, type Command } from '../cli/command.js';
import type { Context } from '../context.js';
import { isListed, letterOrganisationCounts, signatures, SIGNATURE_STATES, type SignatureState } from './table.js';
import { SYSTEM_ACTOR, recordAudit, type Actor } from '../audit/index.js';
import { bumpPublicRevision, listLetterIds, lockLetterRow, selectLetterById, writeLetterCounts } from '../letters/index.js';
import { first, type Tx } from '../db/database.js';

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
export async function repairCounts(ctx: Pick<Context, 'db' | 'now'>, options: { actor: Actor; dryRun?: boolean }): Promise<CountsReport> {
  const ids = await listLetterIds(ctx.db);
  const drifted: LetterDrift[] = [];
  for (const id of ids) {
    // A write (as every one: SQLite's immediate, PostgreSQL's with the letter's row locked): the
    // recount and the fix see the same rows.
    const drift = await ctx.db.write((tx) => repairLetter(tx, id, options, ctx.now()));
    if (drift) drifted.push(drift);
  }
  return { letters: ids.length, drifted, repaired: !options.dryRun && drifted.length > 0 };
}

async function repairLetter(tx: Tx, letterId: number, options: { actor: Actor; dryRun?: boolean }, now: Date): Promise<LetterDrift | undefined> {
  // Taking the letter's row first holds back the triggers of concurrent signings on PostgreSQL
  // until the recount is done: they update this row too.
  await lockLetterRow(tx, letterId);
  const letter = await selectLetterById(tx, letterId);
  if (!letter) return undefined;
  const counts = await recount(tx, letterId);
  const drift: CountDrift[] = (Object.keys(counts) as CountField[])
    .filter((field) => letter[field] !== counts[field])
    .map((field) => ({ field, stored: letter[field], actual: counts[field] }));
  const organisationsWrong = await countWrongOrganisationGroups(tx, letterId);
  if (drift.length === 0 && organisationsWrong === 0) return undefined;
  const found = { letterId, slug: letter.slug, drift, organisationsWrong };
  if (options.dryRun) return found;
  if (drift.length > 0) await writeLetterCounts(tx, letterId, counts);
  if (organisationsWrong > 0) await rebuildOrganisationCounts(tx, letterId);
  await recordAudit(tx, { actor: options.actor, action: 'counts.repair', details: { drifted: [found] } }, now);
  return found;
}

const zeroCounts = (): Counts => ({ countUnconfirmed: 0, countPending: 0, countApproved: 0, countRejected: 0, countWithdrawn: 0, countListed: 0 });

async function recount(tx: Tx, letterId: number): Promise<Counts> {
  const counts = zeroCounts();
  const byState = await tx.select({ state: signatures.state, n: count() }).from(signatures).where(eq(signatures.letterId, letterId)).groupBy(signatures.state);
  for (const row of byState) {
    if (SIGNATURE_STATES.includes(row.state)) counts[COUNT_COLUMNS[row.state]] = row.n;
  }
  counts.countListed = (await first(tx.select({ n: count() }).from(signatures).where(and(eq(signatures.letterId, letterId), isListed(tx)))))?.n ?? 0;
  return counts;
}

// Every row of a group has the same organisation (its id is in the group's key, or none): min() picks it.
const groupsOfListed = (tx: Tx, letterId: number) =>
  tx
    .select({ organisationGroup: sql<string>`${signatures.organisationGroup}`, organisationId: min(signatures.organisationId), label: min(signatures.organisationText), listed: count() })
    .from(signatures)
    .where(and(eq(signatures.letterId, letterId), isListed(tx), isNotNull(signatures.organisationGroup)))
    .groupBy(signatures.organisationGroup);

async function countWrongOrganisationGroups(tx: Tx, letterId: number): Promise<number> {
  const actual = new Map((await groupsOfListed(tx, letterId)).map((row) => [row.organisationGroup, row.listed]));
  const stored = new Map((await tx.select().from(letterOrganisationCounts).where(eq(letterOrganisationCounts.letterId, letterId))).map((row) => [row.organisationGroup, row.listed]));
  const groups = new Set([...actual.keys(), ...stored.keys()]);
  return [...groups].filter((group) => actual.get(group) !== stored.get(group)).length;
}

/** Rebuilds a letter's breakdown and moves its page revision, so pages kept with the wrong breakdown are rendered again. */
async function rebuildOrganisationCounts(tx: Tx, letterId: number): Promise<void> {
  await bumpPublicRevision(tx, letterId);
  await tx.delete(letterOrganisationCounts).where(eq(letterOrganisationCounts.letterId, letterId));
  const rows = (await groupsOfListed(tx, letterId)).map((row) => ({ letterId, organisationGroup: row.organisationGroup, organisationId: row.organisationId, label: row.label ?? '', listed: row.listed }));
  for (let start = 0; start < rows.length; start += 500) await tx.insert(letterOrganisationCounts).values(rows.slice(start, start + 500));
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
  async run(args, env) {
    const [action, ...flags] = args;
    const unknown = flags.filter((flag) => flag !== '--dry-run');
    if (action !== 'repair' || unknown.length > 0) throw new CliError(`expected "counts repair [--dry-run]", got "counts ${args.join(' ')}"`);
    const dryRun = flags.includes('--dry-run');
    const report = await withDatabase(env, (database) => repairCounts({ db: database, now: () => new Date() }, { actor: SYSTEM_ACTOR, dryRun }));
    for (const letter of report.drifted) env.stdout.write(`${describeDrift(letter)}\n`);
    const outcome = report.drifted.length === 0 ? 'all counts match' : dryRun ? 'nothing changed (dry run)' : 'repaired';
    env.stdout.write(`${report.drifted.length} of ${report.letters} letters drifted; ${outcome}\n`);
  },
};

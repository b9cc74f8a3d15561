import { getTableColumns } from 'drizzle-orm';
import { SYSTEM_ACTOR } from '../audit/index.js';
import { letters } from '../letters/table.js';
import { repairCounts } from '../signatures/counts-command.js';
import { CopyError, type CopyTable } from './copy-tables.js';
import type { Database, Reader } from './database.js';

export interface CopyCheck {
  /** Rows of each table on the SQLite database and on PostgreSQL, in copy order. */
  tables: Array<{ name: string; source: number; target: number }>;
  /** Every difference found, one line each, naming the table or letter and both numbers; empty when the copy is sound. */
  mismatches: string[];
}

/** The SQL name of a letters column, as an operator sees it in a database shell. */
const columnName = (field: string): string => (getTableColumns(letters) as Record<string, { name: string }>)[field]?.name ?? field;

const comparable = (value: unknown): unknown => (value instanceof Date ? value.getTime() : value);

/**
 * Checks a copy: every table holds as many rows on PostgreSQL as on SQLite; every letter row is
 * the same on both (its kept counts, public revision and times included); and on PostgreSQL each
 * letter's kept counts and organisation breakdown equal a recount of its signatures (the
 * `counts repair` recount, in dry-run mode: it changes nothing).
 */
export async function verifyCopy(source: Reader, target: Database, tables: readonly CopyTable[]): Promise<CopyCheck> {
  const mismatches: string[] = [];
  const counted = [];
  for (const { name, table } of tables) {
    const row = { name, source: await source.$count(table), target: await target.$count(table) };
    if (row.source !== row.target) mismatches.push(`table ${name}: ${row.source} rows on SQLite, ${row.target} on PostgreSQL`);
    counted.push(row);
  }

  const copied = new Map((await target.select().from(letters)).map((letter) => [letter.id, letter]));
  for (const letter of await source.select().from(letters)) {
    const twin = copied.get(letter.id);
    if (!twin) continue; // counted above
    for (const [field, value] of Object.entries(letter)) {
      const other = twin[field as keyof typeof twin];
      if (comparable(value) !== comparable(other)) mismatches.push(`letter ${letter.slug}: ${columnName(field)} is ${String(comparable(value))} on SQLite, ${String(comparable(other))} on PostgreSQL`);
    }
  }

  const recount = await repairCounts({ db: target, now: () => new Date() }, { actor: SYSTEM_ACTOR, dryRun: true });
  for (const letter of recount.drifted) {
    for (const drift of letter.drift) mismatches.push(`letter ${letter.slug}: ${columnName(drift.field)} is ${drift.stored} on PostgreSQL but a recount of its signatures finds ${drift.actual}`);
    if (letter.organisationsWrong > 0) mismatches.push(`letter ${letter.slug}: the organisation breakdown (letter_organisation_counts) differs from a recount for ${letter.organisationsWrong} organisation(s)`);
  }
  return { tables: counted, mismatches };
}

/** Stops with every mismatch of a check, one per line (the command prints them joined). */
export function assertCopyVerified(check: CopyCheck): void {
  if (check.mismatches.length > 0) throw new CopyError(`the copy does not match the SQLite database: ${check.mismatches.join('; ')}`);
}

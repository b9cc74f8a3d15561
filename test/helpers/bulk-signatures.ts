import { signatures } from '../../server/db/schema.js';
import type { LetterRow } from '../../server/letters/table.js';
import type { TestApp } from './app.js';

/** Rows per INSERT: within both engines' limits on bound values. */
const ROWS_PER_INSERT = 1000;

/**
 * Inserts `count` approved signatures in batched statements, a transaction per batch: fast enough for
 * the tens of thousands of rows that streaming tests need. Signer `i` signed at `i` ms after the epoch.
 */
export async function insertManySignatures(t: Pick<TestApp, 'database'>, letter: LetterRow, count: number, comment: string): Promise<void> {
  const rows = Array.from({ length: count }, (_, i) => ({
    letterId: letter.id,
    versionId: letter.currentVersionId ?? 0,
    name: `Signer number ${i}`,
    email: `signer${i}@example.org`,
    emailKey: `signer${i}@example.org`,
    emailDomain: 'example.org',
    title: 'Researcher',
    organisationText: 'Example Organisation',
    comment,
    state: 'approved' as const,
    signedAt: new Date(i),
    confirmedAt: new Date(i + 1),
  }));
  // A transaction per batch: every row's triggers update its letter's row, and PostgreSQL keeps
  // each version of that row until the transaction ends, so one transaction of tens of thousands
  // of rows slows down with every row (minutes for 20,000); SQLite does not care either way.
  for (let at = 0; at < rows.length; at += ROWS_PER_INSERT) {
    await t.database.write(async (tx) => {
      await tx.insert(signatures).values(rows.slice(at, at + ROWS_PER_INSERT));
    });
  }
}

import { signatures } from '../../server/db/schema.js';
import type { LetterRow } from '../../server/letters/table.js';
import type { TestApp } from './app.js';

/** Rows per INSERT: within both engines' limits on bound values. */
const ROWS_PER_INSERT = 1000;

/**
 * Inserts `count` approved signatures in batched statements and one transaction: fast enough for
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
  await t.database.write(async (tx) => {
    for (let at = 0; at < rows.length; at += ROWS_PER_INSERT) await tx.insert(signatures).values(rows.slice(at, at + ROWS_PER_INSERT));
  });
}

import type { LetterRow } from '../../server/letters/table.js';
import type { TestApp } from './app.js';

/**
 * Inserts `count` approved signatures in one statement loop and one transaction: fast enough for
 * the tens of thousands of rows that streaming tests need. Signer `i` signed at `i` ms after the epoch.
 */
export function insertManySignatures(t: Pick<TestApp, 'database'>, letter: LetterRow, count: number, comment: string): void {
  const insert = t.database.sqlite.prepare(
    "INSERT INTO signatures (letter_id, version_id, name, email, email_key, email_domain, title, organisation_text, comment, state, signed_at, confirmed_at) VALUES (?, ?, ?, ?, ?, 'example.org', 'Researcher', 'Example Organisation', ?, 'approved', ?, ?)",
  );
  t.database.sqlite.transaction(() => {
    for (let i = 0; i < count; i += 1) insert.run(letter.id, letter.currentVersionId, `Signer number ${i}`, `signer${i}@example.org`, `signer${i}@example.org`, comment, i, i + 1);
  })();
}

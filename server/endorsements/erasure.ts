import { and, eq, inArray, lt } from 'drizzle-orm';
import type { Tx } from '../db/database.js';
import { endorsements } from './table.js';
import { bumpPublicRevision } from '../letters/index.js';

/**
 * Erases every endorsement sent with these mailbox keys, on every letter (their tokens go with
 * them, by the foreign key). Returns the addresses as stored, so their mails can be deleted too.
 */
export async function eraseEndorsementsByEmailKeys(tx: Tx, emailKeys: string[]): Promise<{ erased: number; addresses: string[] }> {
  const rows = await tx.delete(endorsements).where(inArray(endorsements.emailKey, emailKeys)).returning({ email: endorsements.email, letterId: endorsements.letterId, state: endorsements.state });
  // An erased approved endorsement leaves the public pages at once.
  for (const letterId of new Set(rows.filter((row) => row.state === 'approved').map((row) => row.letterId))) await bumpPublicRevision(tx, letterId);
  return { erased: rows.length, addresses: [...new Set(rows.map((row) => row.email))] };
}

/** Deletes endorsements never confirmed and sent before `before` (retention); returns how many. */
export async function deleteUnconfirmedEndorsementsBefore(tx: Tx, before: Date): Promise<number> {
  return (await tx.delete(endorsements).where(and(eq(endorsements.state, 'unconfirmed'), lt(endorsements.submittedAt, before))).returning({ id: endorsements.id })).length;
}

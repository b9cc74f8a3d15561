import { and, eq, inArray, isNotNull, like, or, type SQL } from 'drizzle-orm';
import type { Reader, Tx } from '../db/database.js';
import { signatures } from './table.js';

/** Which signatures a block rule would catch; exactly one criterion is set. */
export interface BlockableFilter {
  letterId?: number | null;
  ipHash?: string;
  /** The domain and its subdomains. */
  emailDomain?: string;
  /** Decides from the stored /24 or /48 network. */
  ipNetworkMatches?: (network: string) => boolean;
}

export interface BlockableSignature {
  id: number;
  state: 'unconfirmed' | 'pending' | 'approved';
}

/** Signatures still in play (not rejected, withdrawn or already blocked) that a rule would catch. */
export async function findBlockableSignatures(db: Reader, filter: BlockableFilter): Promise<BlockableSignature[]> {
  const conditions: SQL[] = [inArray(signatures.state, ['unconfirmed', 'pending', 'approved']), eq(signatures.blocked, false)];
  if (filter.letterId != null) conditions.push(eq(signatures.letterId, filter.letterId));
  if (filter.ipHash !== undefined) conditions.push(eq(signatures.ipHash, filter.ipHash));
  // Domains are validated to lower-case letters, digits, dots and hyphens (as stored), so LIKE
  // needs no escaping and matches case alike on both engines.
  if (filter.emailDomain !== undefined) conditions.push(or(eq(signatures.emailDomain, filter.emailDomain), like(signatures.emailDomain, `%.${filter.emailDomain}`)) as SQL);
  if (filter.ipNetworkMatches) conditions.push(isNotNull(signatures.ipNetwork));
  const rows = await db.select({ id: signatures.id, state: signatures.state, ipNetwork: signatures.ipNetwork }).from(signatures).where(and(...conditions));
  const matches = filter.ipNetworkMatches;
  return rows
    .filter((row) => !matches || (row.ipNetwork !== null && matches(row.ipNetwork)))
    .map((row) => ({ id: row.id, state: row.state as BlockableSignature['state'] }));
}

/** Every signature, on any letter, that carries this address hash now: those an IP-hash rule is made from. */
export const signaturesWithIpHash = async (db: Reader, ipHash: string): Promise<number[]> =>
  (await db.select({ id: signatures.id }).from(signatures).where(eq(signatures.ipHash, ipHash))).map((row) => row.id);

/** SQLite bounds the number of bound values in one statement. */
export async function inChunks<T>(ids: T[], update: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < ids.length; start += 500) await update(ids.slice(start, start + 500));
}

/**
 * Shadow-rejects signatures: confirmed ones become rejected at once (leaving the count), and
 * unconfirmed ones are marked so that confirming them rejects them. Call inside a transaction.
 */
export async function shadowRejectSignatures(tx: Tx, matches: BlockableSignature[], now: Date): Promise<{ rejected: number; blocked: number }> {
  const confirmed = matches.filter((match) => match.state !== 'unconfirmed').map((match) => match.id);
  const unconfirmed = matches.filter((match) => match.state === 'unconfirmed').map((match) => match.id);
  await inChunks(confirmed, (ids) => tx.update(signatures).set({ state: 'rejected', blocked: true, featured: false, moderatedAt: now, rejectedAt: now }).where(inArray(signatures.id, ids)));
  await inChunks(unconfirmed, (ids) => tx.update(signatures).set({ blocked: true }).where(inArray(signatures.id, ids)));
  return { rejected: confirmed.length, blocked: unconfirmed.length };
}

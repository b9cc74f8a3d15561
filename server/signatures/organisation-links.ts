import { and, count, eq, inArray, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import { coveringDomain } from '../lib/email-domain.js';
import type { Reader, Tx } from '../db/database.js';
import { signatures, type SignatureState } from './table.js';

/**
 * The signatures side of organisations: the organisations module links, moves and re-checks
 * signatures only through these commands.
 */

/** States only reached by confirming the address: an affiliation can be verified only in these. */
const CONFIRMED_STATES: readonly SignatureState[] = ['pending', 'approved', 'rejected'];

/** A confirmed signer whose address is at one of the organisation's domains (or a subdomain). */
export const isAffiliationVerified = (signature: { state: SignatureState; emailDomain: string }, organisationDomains: readonly string[]): boolean =>
  CONFIRMED_STATES.includes(signature.state) && coveringDomain(signature.emailDomain, organisationDomains) !== undefined;

const CHUNK = 500;

async function updateInChunks(ids: number[], update: (chunk: number[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < ids.length; start += CHUNK) await update(ids.slice(start, start + CHUNK));
}

/** Unmatched signatures whose organisation text folds to one of `keys` now match the organisation. Returns their ids. */
export async function linkUnmatchedSignatures(tx: Tx, keys: readonly string[], organisationId: number): Promise<number[]> {
  const wanted = keys.filter(Boolean);
  if (wanted.length === 0) return [];
  const linked = await tx
    .update(signatures)
    .set({ organisationId })
    .where(and(isNull(signatures.organisationId), ne(signatures.organisationKey, ''), inArray(signatures.organisationKey, wanted)))
    .returning({ id: signatures.id });
  return linked.map((row) => row.id);
}

/** Every signature matched to `fromId` now matches `toId` (a merge). Returns how many moved. */
export async function moveOrganisationSignatures(tx: Tx, fromId: number, toId: number): Promise<number> {
  return (await tx.update(signatures).set({ organisationId: toId }).where(eq(signatures.organisationId, fromId)).returning({ id: signatures.id })).length;
}

/**
 * Marks each signature matched to the organisation verified exactly when it is confirmed and its
 * address is within one of `domains`; call whenever the domains or the signatures change.
 * Returns how many signatures gained and lost the mark.
 */
export async function reevaluateAffiliations(tx: Tx, organisationId: number, domains: readonly string[]): Promise<{ verified: number; unverified: number }> {
  const rows = await tx
    .select({ id: signatures.id, state: signatures.state, emailDomain: signatures.emailDomain, affiliationVerified: signatures.affiliationVerified })
    .from(signatures)
    .where(eq(signatures.organisationId, organisationId));
  const gained: number[] = [];
  const lost: number[] = [];
  for (const row of rows) {
    const verified = isAffiliationVerified(row, domains);
    if (verified !== row.affiliationVerified) (verified ? gained : lost).push(row.id);
  }
  for (const [ids, affiliationVerified] of [[gained, true], [lost, false]] as const) {
    await updateInChunks(ids, (chunk) => tx.update(signatures).set({ affiliationVerified }).where(inArray(signatures.id, chunk)));
  }
  return { verified: gained.length, unverified: lost.length };
}

export interface OrganisationSignatureCounts {
  /** Signatures matched to the organisation, on every letter and in every state. */
  signatures: number;
  /** Of those, the ones marked as a verified affiliation. */
  verified: number;
}

/** Matched and verified signatures per organisation (all of them, or those in `organisationIds`), for the organisers' pages. */
export async function countSignaturesByOrganisation(db: Reader, organisationIds?: readonly number[]): Promise<Map<number, OrganisationSignatureCounts>> {
  const rows = await db
    .select({ organisationId: signatures.organisationId, signatures: count(), verified: sql<number>`count(*) FILTER (WHERE ${signatures.affiliationVerified} = true)` })
    .from(signatures)
    .where(organisationIds ? inArray(signatures.organisationId, [...organisationIds]) : isNotNull(signatures.organisationId))
    .groupBy(signatures.organisationId);
  return new Map(rows.flatMap((row) => (row.organisationId === null ? [] : [[row.organisationId, { signatures: row.signatures, verified: Number(row.verified) }]])));
}

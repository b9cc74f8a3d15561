import { and, eq, gt, inArray, isNotNull, isNull, lte, notExists, or, sql, type SQLWrapper } from 'drizzle-orm';
import type { Reader, Tx } from '../db/database.js';
import { signatureEdits, signatures, signatureTokens } from './table.js';

/** What a signer told us about themselves, blanked: withdrawal, anonymisation and erasure all start here. */
export const BLANK_DETAILS = { name: '', title: '', organisationText: '', organisationKey: '', comment: '', featured: false } as const;

/**
 * Everything that can lead back to the person, beyond their details. The key becomes a
 * placeholder that is unique per row (the letter's unique index needs one) and says nothing
 * about the address; it cannot equal a real key, which always has an `@`.
 */
const BLANK_IDENTITY = {
  email: '',
  emailKey: sql`'erased:' || CAST(${signatures.id} AS text)`,
  emailDomain: '',
  ipHash: null,
  ipNetwork: null,
  moderationNote: null,
  rejectionNote: null,
  holdReason: null,
} as const;

/**
 * Unconfirmed signatures made at or before `cutoff` that no mailed link can confirm any more: a
 * reminder or a repeat signing mails a fresh link, and a link in someone's inbox must keep working
 * until it expires, so the newest link's expiry holds the signature back too (a link a newer mail
 * replaced confirms nothing, so it holds nothing back).
 */
const unconfirmedDue = (db: Reader, cutoff: Date, now: Date) =>
  and(
    eq(signatures.state, 'unconfirmed'),
    lte(signatures.signedAt, cutoff),
    notExists(
      db
        .select({ one: sql`1` })
        .from(signatureTokens)
        .where(and(eq(signatureTokens.signatureId, signatures.id), eq(signatureTokens.purpose, 'confirm'), isNull(signatureTokens.replacedAt), gt(signatureTokens.expiresAt, now))),
    ),
  );

/** Ids of unconfirmed signatures due for deletion (see unconfirmedDue), as a subquery. */
export const unconfirmedSignedBefore = (db: Reader, cutoff: Date, now: Date): SQLWrapper =>
  db.select({ id: signatures.id }).from(signatures).where(unconfirmedDue(db, cutoff, now));

/** Deletes unconfirmed signatures due for deletion (see unconfirmedDue) that carry no rejection; their tokens follow (foreign key cascade). */
export async function deleteUnconfirmedSignedBefore(tx: Tx, cutoff: Date, now: Date): Promise<number> {
  return (await tx.delete(signatures).where(and(unconfirmedDue(tx, cutoff, now), isNull(signatures.rejectedAt))).returning({ id: signatures.id })).length;
}

/** A withdrawn signature as withdrawal leaves it: the details erased, the address (and any rejection) kept. */
export const withdrawnForm = (now: Date) => ({ ...BLANK_DETAILS, state: 'withdrawn' as const, withdrawnAt: now, organisationId: null, affiliationVerified: false });

/**
 * Unconfirmed signatures due for deletion that carry a moderator's rejection are not deleted: a
 * deleted row would forget the rejection, and the address could sign and be listed unseen. They go
 * back to the withdrawn form they had before their signer signed again. Returns how many.
 */
export async function withdrawRejectedUnconfirmedBefore(tx: Tx, cutoff: Date, now: Date): Promise<number> {
  const rows = await tx
    .select({ id: signatures.id })
    .from(signatures)
    .where(and(unconfirmedDue(tx, cutoff, now), isNotNull(signatures.rejectedAt)));
  const ids = rows.map((row) => row.id);
  if (ids.length === 0) return 0;
  await tx.delete(signatureTokens).where(inArray(signatureTokens.signatureId, ids));
  return (await tx.update(signatures).set(withdrawnForm(now)).where(inArray(signatures.id, ids)).returning({ id: signatures.id })).length;
}

/** Drops the address hash and network of signatures made at or before `cutoff`. */
export async function forgetClientAddressesBefore(tx: Tx, cutoff: Date): Promise<number> {
  const changed = await tx
    .update(signatures)
    .set({ ipHash: null, ipNetwork: null })
    .where(and(lte(signatures.signedAt, cutoff), or(isNotNull(signatures.ipHash), isNotNull(signatures.ipNetwork))))
    .returning({ id: signatures.id });
  return changed.length;
}

/** Ids of every signature on a letter, as a subquery. */
export const signatureIdsOfLetter = (db: Reader, letterId: number): SQLWrapper =>
  db.select({ id: signatures.id }).from(signatures).where(eq(signatures.letterId, letterId));

/**
 * Erases who signed a letter while keeping what they did: states (and so the counts) stay, the
 * rows leave the public list, and every link ever mailed stops working.
 */
export async function anonymiseSignaturesOfLetter(tx: Tx, letterId: number): Promise<number> {
  await tx.delete(signatureTokens).where(inArray(signatureTokens.signatureId, signatureIdsOfLetter(tx, letterId)));
  await tx.delete(signatureEdits).where(eq(signatureEdits.letterId, letterId));
  const changed = await tx
    .update(signatures)
    .set({ ...BLANK_DETAILS, ...BLANK_IDENTITY, showPublic: false })
    .where(eq(signatures.letterId, letterId))
    .returning({ id: signatures.id });
  return changed.length;
}

export interface SignerRecord {
  id: number;
  email: string;
  ipHash: string | null;
}

/** Every signature stored under any of these keys, across all letters. */
export const findSignaturesByEmailKeys = (db: Reader, emailKeys: readonly string[]): Promise<SignerRecord[]> =>
  db.select({ id: signatures.id, email: signatures.email, ipHash: signatures.ipHash }).from(signatures).where(inArray(signatures.emailKey, [...emailKeys]));

/** The address hashes kept on a letter's signatures, as a subquery. */
export const ipHashesOfLetter = (db: Reader, letterId: number): SQLWrapper =>
  db.select({ ipHash: signatures.ipHash }).from(signatures).where(and(eq(signatures.letterId, letterId), isNotNull(signatures.ipHash)));

/**
 * A signer's erasure request: each signature is withdrawn (it leaves the counts) and everything
 * about the person, address included, is erased. Runs the same statements for an empty list.
 */
export async function eraseSignatures(tx: Tx, ids: number[], now: Date): Promise<number> {
  await tx.delete(signatureTokens).where(inArray(signatureTokens.signatureId, ids));
  // A change waiting for an organiser holds the same details.
  await tx.delete(signatureEdits).where(inArray(signatureEdits.signatureId, ids));
  const changed = await tx
    .update(signatures)
    .set({
      ...BLANK_DETAILS,
      ...BLANK_IDENTITY,
      organisationId: null,
      affiliationVerified: false,
      state: 'withdrawn',
      withdrawnAt: sql`coalesce(${signatures.withdrawnAt}, ${now.getTime()})`,
    })
    .where(inArray(signatures.id, ids))
    .returning({ id: signatures.id });
  return changed.length;
}

import { and, asc, count, eq, gt, inArray, lte } from 'drizzle-orm';
import { first, type Reader, type Tx } from '../db/database.js';
import { findSignatureById } from './repo.js';
import { signatures } from './table.js';
import { issueToken, redeemToken, UNSUBSCRIBE_TOKEN_DAYS } from './tokens.js';

/**
 * The signatures side of updates: who gets one, and the one-click way out. A recipient confirmed
 * their address (pending or approved: not unconfirmed, withdrawn or rejected) and ticked "email me".
 */
const recipientsOf = (letterId: number, throughId: number) =>
  and(eq(signatures.letterId, letterId), lte(signatures.id, throughId), inArray(signatures.state, ['pending', 'approved']), eq(signatures.contactUpdates, true));

/** How many signers of a letter, up to signature `throughId`, an update would go to now. */
export const countUpdateRecipients = async (db: Reader, letterId: number, throughId: number): Promise<number> =>
  (await first(db.select({ n: count() }).from(signatures).where(recipientsOf(letterId, throughId))))?.n ?? 0;

export interface UpdateRecipient {
  id: number;
  email: string;
  name: string;
  /** The language the signer signed in: their update mails are written in it. */
  lang: string;
}

/** The next `limit` recipients after signature `afterId` (and up to `throughId`), in id order: the filler's batches. */
export const updateRecipientsAfter = (db: Reader, letterId: number, afterId: number, throughId: number, limit: number): Promise<UpdateRecipient[]> =>
  db
    .select({ id: signatures.id, email: signatures.email, name: signatures.name, lang: signatures.lang })
    .from(signatures)
    .where(and(recipientsOf(letterId, throughId), gt(signatures.id, afterId)))
    .orderBy(asc(signatures.id))
    .limit(limit);

/** A single-purpose link that stops update mail for this signature; only its hash is kept. */
export const issueUnsubscribeToken = (tx: Tx, signatureId: number, now: Date): Promise<string> => issueToken(tx, signatureId, 'unsubscribe', UNSUBSCRIBE_TOKEN_DAYS, now);

export interface Subscription {
  signatureId: number;
  letterId: number;
  receivesUpdates: boolean;
  /** The signer's language: the unsubscribe page speaks it. */
  lang: string;
}

/** What an unsubscribe link stands for: 404 for a link that is not one, 410 once expired. */
export async function subscriptionOf(db: Reader, token: string, now: Date): Promise<Subscription> {
  const signatureId = await redeemToken(db, token, 'unsubscribe', now);
  const signature = await findSignatureById(db, signatureId);
  // Tokens go with their signature (cascade), so a token found has one; withdrawn ones get no mail.
  const receivesUpdates = signature !== undefined && signature.contactUpdates && signature.state !== 'withdrawn';
  return { signatureId, letterId: signature?.letterId ?? 0, receivesUpdates, lang: signature?.lang ?? 'en' };
}

/** Stops update mail for the signature an unsubscribe link stands for; doing it again changes nothing. */
export async function stopUpdates(tx: Tx, token: string, now: Date): Promise<Subscription> {
  const subscription = await subscriptionOf(tx, token, now);
  if (subscription.receivesUpdates) await tx.update(signatures).set({ contactUpdates: false }).where(eq(signatures.id, subscription.signatureId));
  return subscription;
}

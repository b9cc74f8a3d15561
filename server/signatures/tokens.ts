import { and, eq, isNull, notInArray } from 'drizzle-orm';
import { first, type Reader, type Tx } from '../db/database.js';
import { insertRow } from '../db/prepared.js';
import { randomToken, sha256Hex } from '../lib/hash.js';
import { AppError } from '../web/errors.js';
import { signatureTokens, type TokenPurpose } from './table.js';

const DAY = 24 * 60 * 60 * 1000;
/** A withdraw link must outlive the letter's campaign; a year is long enough and still bounded. The edit link lives as long. */
export const WITHDRAW_TOKEN_DAYS = 365;
/** An update mail's unsubscribe link keeps working for as long as someone may keep the mail and press it. */
export const UNSUBSCRIBE_TOKEN_DAYS = 2 * 365;

/** Creates a single-purpose token; only its SHA-256 is stored. Returns the token for the mail. */
export async function issueToken(tx: Tx, signatureId: number, purpose: TokenPurpose, lifetimeDays: number, now: Date): Promise<string> {
  const token = randomToken();
  await insertRow(tx, signatureTokens, { tokenHash: sha256Hex(token), signatureId, purpose, expiresAt: new Date(now.getTime() + lifetimeDays * DAY), createdAt: now });
  return token;
}

/** Only URL-safe base64 of the right size can be a token; anything else is not looked up. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Finds the signature a token was issued for, for that purpose only: 404 unknown, 410 expired. */
export async function redeemToken(db: Reader, token: string, purpose: TokenPurpose, now: Date): Promise<number> {
  const row = TOKEN_SHAPE.test(token)
    ? await first(db.select().from(signatureTokens).where(and(eq(signatureTokens.tokenHash, sha256Hex(token)), eq(signatureTokens.purpose, purpose))))
    : undefined;
  if (!row) throw new AppError('token_unknown', 404, 'This link is not valid. It may have been mistyped, or replaced by a newer one.');
  if (row.replacedAt) throw linkReplaced();
  if (row.expiresAt <= now) throw new AppError('token_expired', 410, 'This link has expired.');
  return row.signatureId;
}

const linkReplaced = (): AppError =>
  new AppError(
    'token_replaced',
    410,
    'A newer email replaced this link: the form was sent again for this address, with details that may differ, so only the link in the newest email can confirm. Open that email and check the details before you confirm.',
  );

/**
 * New details for an unconfirmed signature go out with a new link: every confirm link mailed
 * before stops confirming (and says why), so no one confirms details they never saw.
 */
export async function replaceConfirmLinks(tx: Tx, signatureId: number, now: Date): Promise<void> {
  await tx
    .update(signatureTokens)
    .set({ replacedAt: now })
    .where(and(eq(signatureTokens.signatureId, signatureId), eq(signatureTokens.purpose, 'confirm'), isNull(signatureTokens.replacedAt)));
}

/** Deletes a signature's tokens, but for those of the purposes in `keep`. */
export async function revokeTokens(tx: Tx, signatureId: number, keep: readonly TokenPurpose[] = []): Promise<void> {
  await tx
    .delete(signatureTokens)
    .where(keep.length > 0 ? and(eq(signatureTokens.signatureId, signatureId), notInArray(signatureTokens.purpose, [...keep])) : eq(signatureTokens.signatureId, signatureId));
}

import type { Reader, Tx } from '../db/database.js';
import { singleUseTokens } from '../lib/single-use-tokens.js';
import { signatureTokens, type TokenPurpose } from './table.js';

/** A withdraw link must outlive the letter's campaign; a year is long enough and still bounded. The edit link lives as long. */
export const WITHDRAW_TOKEN_DAYS = 365;
/** An update mail's unsubscribe link keeps working for as long as someone may keep the mail and press it. */
export const UNSUBSCRIBE_TOKEN_DAYS = 2 * 365;

const tokens = singleUseTokens<TokenPurpose>({
  table: signatureTokens,
  tokenHash: signatureTokens.tokenHash,
  owner: signatureTokens.signatureId,
  ownerKey: 'signatureId',
  purpose: signatureTokens.purpose,
  expiresAt: signatureTokens.expiresAt,
  replacedAt: signatureTokens.replacedAt,
});

/** Creates a single-purpose token; only its SHA-256 is stored. Returns the token for the mail. */
export const issueToken = (tx: Tx, signatureId: number, purpose: TokenPurpose, lifetimeDays: number, now: Date): Promise<string> =>
  tokens.issue(tx, signatureId, purpose, lifetimeDays, now);

/** Finds the signature a token was issued for, for that purpose only: 404 unknown, 410 expired. */
export const redeemToken = (db: Reader, token: string, purpose: TokenPurpose, now: Date): Promise<number> => tokens.redeem(db, token, purpose, now);

/**
 * New details for an unconfirmed signature go out with a new link: every confirm link mailed
 * before stops confirming (and says why), so no one confirms details they never saw.
 */
export const replaceConfirmLinks = (tx: Tx, signatureId: number, now: Date): Promise<void> => tokens.replace(tx, signatureId, 'confirm', now);

/** Deletes a signature's tokens, but for those of the purposes in `keep`. */
export const revokeTokens = (tx: Tx, signatureId: number, keep: readonly TokenPurpose[] = []): Promise<void> => tokens.revoke(tx, signatureId, keep);

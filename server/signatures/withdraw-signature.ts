import { eq } from 'drizzle-orm';
import type { Context } from '../context.js';
import { notFound } from '../web/errors.js';
import { withdrawnForm } from './erasure.js';
import { findSignatureById } from './repo.js';
import { signatures, type SignatureRow } from './table.js';
import { redeemToken, revokeTokens } from './tokens.js';
import { findLetterById, type LetterRow } from '../letters/index.js';

export interface WithdrawalView {
  letter: LetterRow;
  signature: SignatureRow;
  alreadyWithdrawn: boolean;
}

export function describeWithdrawal(ctx: Context, token: string): WithdrawalView {
  const signatureId = redeemToken(ctx.db, token, 'withdraw', ctx.now());
  const signature = findSignatureById(ctx.db, signatureId);
  if (!signature) throw notFound('signature');
  const letter = findLetterById(ctx.db, signature.letterId);
  return { letter, signature, alreadyWithdrawn: signature.state === 'withdrawn' };
}

/**
 * The signer takes their name off the letter: it leaves the count and the list at once, and what
 * they told us about themselves is erased. They may sign again later.
 */
export function withdrawSignature(ctx: Context, token: string): WithdrawalView {
  const now = ctx.now();
  return ctx.db.transaction((tx) => {
    const view = describeWithdrawal({ ...ctx, db: tx }, token);
    if (view.alreadyWithdrawn) return view;
    revokeTokens(tx, view.signature.id, 'withdraw');
    const signature = tx
      .update(signatures)
      .set(withdrawnForm(now))
      .where(eq(signatures.id, view.signature.id))
      .returning()
      .get();
    return { ...view, signature, alreadyWithdrawn: false };
  });
}

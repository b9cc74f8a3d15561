import { eq } from 'drizzle-orm';
import type { Context } from '../context.js';
import { one, type Reader } from '../db/database.js';
import { notFound } from '../web/errors.js';
import { withdrawnForm } from './erasure.js';
import { deleteWaitingEdits } from './signature-edits.js';
import { findSignatureById } from './repo.js';
import { signatures, type SignatureRow } from './table.js';
import { redeemToken, revokeTokens } from './tokens.js';
import { letterAsSignerRead } from './sign-letter.js';
import { findLetterById, type LetterRow } from '../letters/index.js';
import { deleteMailsForSignatures } from '../mail/index.js';

export interface WithdrawalView {
  letter: LetterRow;
  signature: SignatureRow;
  alreadyWithdrawn: boolean;
}

export function describeWithdrawal(ctx: Context, token: string): Promise<WithdrawalView> {
  return describeWithdrawalIn(ctx.db, token, ctx.now());
}

async function describeWithdrawalIn(db: Reader, token: string, now: Date): Promise<WithdrawalView> {
  const signatureId = await redeemToken(db, token, 'withdraw', now);
  const signature = await findSignatureById(db, signatureId);
  if (!signature) throw notFound('signature');
  const letter = await letterAsSignerRead(db, await findLetterById(db, signature.letterId), signature);
  return { letter, signature, alreadyWithdrawn: signature.state === 'withdrawn' };
}

/**
 * The signer takes their name off the letter: it leaves the count and the list at once, and what
 * they told us about themselves is erased. They may sign again later.
 */
export async function withdrawSignature(ctx: Context, token: string): Promise<WithdrawalView> {
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    const view = await describeWithdrawalIn(tx, token, now);
    if (view.alreadyWithdrawn) return view;
    // The withdraw, edit and unsubscribe links go on answering, with "withdrawn" rather than "not valid".
    await revokeTokens(tx, view.signature.id, ['withdraw', 'edit', 'unsubscribe']);
    await deleteWaitingEdits(tx, [view.signature.id]);
    const signature = await one(tx.update(signatures).set(withdrawnForm(now)).where(eq(signatures.id, view.signature.id)).returning());
    // Its mails, sent or not, hold the details and links erased with it.
    await deleteMailsForSignatures(tx, [signature.id]);
    return { ...view, signature, alreadyWithdrawn: false };
  });
}

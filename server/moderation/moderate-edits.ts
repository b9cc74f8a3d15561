import type { Context } from '../context.js';
import { AppError } from '../web/errors.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { findLetter } from '../letters/index.js';
import { decideWaitingEdits } from '../signatures/index.js';

export const EDIT_ACTIONS = ['approve', 'reject'] as const;
export type EditAction = (typeof EDIT_ACTIONS)[number];

/**
 * A moderator approves (applies) or rejects (drops) signers' waiting changes to their entries, in
 * one transaction with one audit record. Edits that are not this letter's are left alone.
 */
export async function moderateSignatureEdits(ctx: Context, input: { slug: string; ids: readonly number[]; action: EditAction; actor: Actor }): Promise<number[]> {
  const ids = [...new Set(input.ids)];
  if (ids.length === 0) throw new AppError('nothing_selected', 422, 'Select at least one change.');
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    const letter = await findLetter(tx, input.slug);
    const decided = await decideWaitingEdits(tx, letter.id, ids, input.action === 'approve', now);
    await recordAudit(tx, { actor: input.actor, action: 'signature_edits.moderate', subject: `letter:${letter.slug}`, details: { action: input.action, signatureIds: decided } }, now);
    return decided;
  });
}

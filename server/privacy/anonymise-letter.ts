import type { Context } from '../context.js';
import { AppError } from '../web/errors.js';
import { daysAfter } from './days.js';
import { forgetIpHashRules } from '../abuse/index.js';
import { eraseModerationNotes, recordAudit, type Actor } from '../audit/index.js';
import { closedSince, findLetterById, markLetterAnonymised, type LetterRow } from '../letters/index.js';
import { deleteMailsForSignatures } from '../mail/index.js';
import { anonymiseSignaturesOfLetter, ipHashesOfLetter, signatureIdsOfLetter } from '../signatures/index.js';

export interface AnonymiseLetterInput {
  letterId: number;
  actor: Actor;
}

export interface AnonymiseLetterResult {
  slug: string;
  /** Signatures erased by this call (0 when the letter had been anonymised before). */
  signatures: number;
  mailsDeleted: number;
  anonymisedAt: Date;
  alreadyAnonymised: boolean;
}

/**
 * An owner erases who signed a letter once its campaign is over: names, addresses, roles,
 * organisations as typed, comments, notes (the audit log's copies too), address hashes (and the
 * block rules made from them) and mails go; states, and so the
 * counts, stay. Only for a letter closed at least ANONYMISE_AFTER_DAYS ago (409 otherwise), so
 * the list is not lost while it is still being handed over. Asking again changes nothing.
 */
export async function anonymiseLetter(ctx: Context, input: AnonymiseLetterInput): Promise<AnonymiseLetterResult> {
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    const letter = await findLetterById(tx, input.letterId);
    if (letter.anonymisedAt) {
      return { slug: letter.slug, signatures: 0, mailsDeleted: 0, anonymisedAt: letter.anonymisedAt, alreadyAnonymised: true };
    }
    const refusal = anonymisationRefusal(letter, now, ctx.config.anonymiseAfterDays);
    if (refusal) throw refusal;
    const mailsDeleted = await deleteMailsForSignatures(tx, signatureIdsOfLetter(tx, letter.id));
    await forgetIpHashRules(tx, { values: ipHashesOfLetter(tx, letter.id), signatureIds: signatureIdsOfLetter(tx, letter.id) });
    await eraseModerationNotes(tx, { subject: `letter:${letter.slug}` });
    const signatures = await anonymiseSignaturesOfLetter(tx, letter.id);
    await markLetterAnonymised(tx, letter.id, now);
    await recordAudit(tx, { actor: input.actor, action: 'letter.anonymise', subject: `letter:${letter.slug}`, details: { signatures, mailsDeleted } }, now);
    return { slug: letter.slug, signatures, mailsDeleted, anonymisedAt: now, alreadyAnonymised: false };
  });
}

/**
 * Why a letter cannot be anonymised at `now`, or undefined when it can: it must have been closed
 * for `afterDays` days. Pages use it to say so before an owner is offered the button.
 */
export function anonymisationRefusal(letter: Pick<LetterRow, 'status' | 'opensAt' | 'closesAt' | 'closedAt' | 'updatedAt'>, now: Date, afterDays: number): AppError | undefined {
  const closedAt = closedSince(letter, now);
  if (!closedAt) return new AppError('letter_not_closed', 409, 'Only a closed letter can be anonymised. Close the letter first.');
  const allowedFrom = daysAfter(closedAt, afterDays);
  if (allowedFrom <= now) return undefined;
  return new AppError(
    'letter_closed_recently',
    409,
    `This letter can be anonymised from ${allowedFrom.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${afterDays} days after it closed.`,
    { allowedFrom: allowedFrom.toISOString() },
  );
}

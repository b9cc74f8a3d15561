import type { Context } from '../context.js';
import type { Reader } from '../db/database.js';
import { AppError, notFound } from '../web/errors.js';
import type { EditForm } from './forms.js';
import { findSignatureById } from './repo.js';
import { applyDetails, deleteWaitingEdits, findWaitingEdit, storeWaitingEdit, type ListedDetails } from './signature-edits.js';
import type { SignatureEditRow, SignatureRow } from './table.js';
import { redeemToken } from './tokens.js';
import { famousNameHold } from '../abuse/index.js';
import { recordAudit } from '../audit/index.js';
import { closedSince, findLetterById, type LetterRow } from '../letters/index.js';

export interface EditView {
  letter: LetterRow;
  signature: SignatureRow;
  /** A change the signer sent that waits for an organiser, if any. */
  waiting: SignatureEditRow | undefined;
}

export type EditOutcome = 'applied' | 'waiting' | 'unchanged';

/** Who edits an entry: the signer, proved by the edit link; recorded as such in the audit log. */
const SIGNER = { kind: 'system', label: 'signer (edit link)' } as const;

const withdrawn = (): AppError => new AppError('signature_withdrawn', 410, 'This signature was withdrawn, so there is nothing left to edit. You can sign the letter again from its page.');
const notEditable = (): AppError => new AppError('signature_not_editable', 410, 'This signature can no longer be edited.');
const letterClosed = (): AppError => new AppError('letter_closed', 409, 'This letter has closed, so its list of signatories no longer changes. You can still withdraw your signature with the link in your email.', { messageKeys: ['errors.letter_closed_edit'] });

/** The entry an edit link stands for: only a confirmed signature that is still on the letter can be edited. */
async function editableSignature(db: Reader, token: string, now: Date): Promise<EditView> {
  const signature = await findSignatureById(db, await redeemToken(db, token, 'edit', now));
  if (!signature) throw notFound('signature');
  if (signature.state === 'withdrawn') throw withdrawn();
  // A rejected entry says no more than that (a block rule's rejection is never told to the signer).
  if (signature.state !== 'approved' && signature.state !== 'pending') throw notEditable();
  const letter = await findLetterById(db, signature.letterId);
  if (letter.anonymisedAt) throw notEditable();
  return { letter, signature, waiting: await findWaitingEdit(db, signature.id) };
}

/** What the edit page shows for a link; changes nothing (mail scanners follow links). */
export const describeEdit = (ctx: Context, token: string): Promise<EditView> => editableSignature(ctx.db, token, ctx.now());

const LISTED_FIELDS = ['name', 'title', 'organisationText', 'showPublic'] as const;

/**
 * Whether a change must wait for an organiser: an entry they approved on a pre-moderated letter
 * (the public sees it as they approved it), or any approved entry whose new name would have been
 * held for a look on signing (a famous name). Hiding one's name never waits.
 */
function mustWait(ctx: Context, letter: LetterRow, signature: SignatureRow, after: ListedDetails): boolean {
  if (signature.state !== 'approved') return false;
  const shownChange = after.showPublic && (LISTED_FIELDS.some((field) => after[field] !== signature[field]));
  if (!shownChange) return false;
  return letter.moderation === 'pre' || (after.name !== signature.name && famousNameHold(ctx, after.name) !== null);
}

/**
 * The signer changes their entry (never their address). On a post-moderated letter it shows at
 * once; where an organiser approved the entry first, the change waits for them and the entry
 * stays listed as approved until they decide. Every edit is audited with the fields it changed.
 */
export async function editSignature(ctx: Context, token: string, form: EditForm): Promise<EditView & { outcome: EditOutcome }> {
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    const view = await editableSignature(tx, token, now);
    const { letter, signature } = view;
    if (closedSince(letter, now)) throw letterClosed();
    const after: ListedDetails = { name: form.name, title: form.title, organisationText: form.organisation, showPublic: form.public };
    const changed = [...LISTED_FIELDS.filter((field) => after[field] !== signature[field]), ...(form.comment !== signature.comment ? ['comment'] : []), ...(form.updates !== signature.contactUpdates ? ['contactUpdates'] : [])];
    if (changed.length === 0 && !view.waiting) return { ...view, outcome: 'unchanged' as const };
    const waits = mustWait(ctx, letter, signature, after);
    // What needs no look is applied now: the private fields, and a name taken off the list.
    const updated = waits
      ? await applyDetails(tx, signature, { comment: form.comment, contactUpdates: form.updates, ...(after.showPublic ? {} : { showPublic: false }) })
      : await applyDetails(tx, signature, { ...after, comment: form.comment, contactUpdates: form.updates });
    if (waits) await storeWaitingEdit(tx, signature, after, now);
    // A change that needs no look replaces any that was waiting.
    else await deleteWaitingEdits(tx, [signature.id]);
    await recordAudit(tx, { actor: SIGNER, action: 'signature.edit', subject: `letter:${letter.slug}`, details: { signatureId: signature.id, changed, waitsForModeration: waits } }, now);
    return { letter, signature: updated, waiting: waits ? await findWaitingEdit(tx, signature.id) : undefined, outcome: waits ? ('waiting' as const) : ('applied' as const) };
  });
}

import type { Context } from '../context.js';
import type { Tx } from '../db/database.js';
import { AppError } from '../web/errors.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { findLetterById } from '../letters/index.js';
import { approveVerifiedPendingSignatures, findModeratableSignatures, type ModerationChanges, type SignatureRow, type SignatureState, updateModeratedSignatures } from '../signatures/index.js';

export const MODERATION_ACTIONS = ['approve', 'reject', 'feature', 'unfeature'] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

export const MAX_MODERATED_AT_ONCE = 1000;
const MAX_NOTE_LENGTH = 500;

export interface ModerateInput {
  letterId: number;
  ids: readonly number[];
  action: ModerationAction;
  note?: string;
  actor: Actor;
}

export interface ModerationResult {
  action: ModerationAction;
  /** Signatures the action changed. */
  changed: number[];
  /** Already as the action would leave them. */
  unchanged: number;
  /** Not moderatable by this action: unconfirmed or withdrawn (or rejected, for feature). */
  skipped: number;
  /** Not signatures of this letter. */
  notFound: number;
}

type Row = Pick<SignatureRow, 'id' | 'state' | 'featured'>;
type Outcome = 'change' | 'unchanged' | 'skip';

/** Only a confirmed signature can be judged; featuring is for those that can be listed. */
const OUTCOMES: Record<ModerationAction, (row: Row) => Outcome> = {
  approve: (row) => (row.state === 'approved' ? 'unchanged' : isJudgeable(row.state) ? 'change' : 'skip'),
  reject: (row) => (row.state === 'rejected' ? 'unchanged' : isJudgeable(row.state) ? 'change' : 'skip'),
  feature: (row) => (row.state !== 'pending' && row.state !== 'approved' ? 'skip' : row.featured ? 'unchanged' : 'change'),
  unfeature: (row) => (!isJudgeable(row.state) ? 'skip' : row.featured ? 'change' : 'unchanged'),
};

function isJudgeable(state: SignatureState): boolean {
  return state === 'pending' || state === 'approved' || state === 'rejected';
}

/** What each action writes. A rejected signature loses its featured mark, so approving it again does not put it on top. */
const CHANGES: Record<ModerationAction, ModerationChanges> = {
  approve: { state: 'approved' },
  reject: { state: 'rejected', featured: false },
  feature: { featured: true },
  unfeature: { featured: false },
};

/**
 * A rejection is remembered apart from the state, so that it outlives a withdrawal and a new
 * signature by the same address; a moderator's approval is the last word and forgets it.
 */
function rejectionRecord(action: ModerationAction, now: Date, note: string | null): ModerationChanges {
  if (action === 'reject') return { rejectedAt: now, rejectionNote: note };
  if (action === 'approve') return { rejectedAt: null, rejectionNote: null };
  return {};
}

/**
 * A moderator approves, rejects, features or unfeatures a batch of a letter's signatures, in one
 * transaction with one audit record. Rejected signatures leave the count and the list (the count
 * triggers see to it); approving a rejected one brings it back.
 */
export async function moderateSignatures(ctx: Context, input: ModerateInput): Promise<ModerationResult> {
  const now = ctx.now();
  return ctx.db.write((tx) => moderateSignaturesIn(tx, input, now));
}

/** moderateSignatures inside a write that may do more. */
export async function moderateSignaturesIn(tx: Tx, input: ModerateInput, now: Date): Promise<ModerationResult> {
  const ids = [...new Set(input.ids)];
  if (ids.length === 0) throw new AppError('nothing_selected', 422, 'Select at least one signature.');
  if (ids.length > MAX_MODERATED_AT_ONCE) throw new AppError('too_many_selected', 422, `Select at most ${MAX_MODERATED_AT_ONCE} signatures at a time.`);
  const note = cleanNote(input.note);
  const letter = await findLetterById(tx, input.letterId);
  const rows = await findModeratableSignatures(tx, letter.id, ids);
  const byOutcome: Record<Outcome, number[]> = { change: [], unchanged: [], skip: [] };
  for (const row of rows) byOutcome[OUTCOMES[input.action](row)].push(row.id);
  const changed = byOutcome.change.sort((a, b) => a - b);
  if (changed.length > 0) {
    await updateModeratedSignatures(tx, changed, { ...CHANGES[input.action], ...rejectionRecord(input.action, now, note), moderatedAt: now, ...(note ? { moderationNote: note } : {}) });
  }
  const result: ModerationResult = { action: input.action, changed, unchanged: byOutcome.unchanged.length, skipped: byOutcome.skip.length, notFound: ids.length - rows.length };
  // `selected` names every signature the note was written against, changed or not, so that
  // erasing any of them finds the note (see eraseModerationNotes).
  const selected = rows.map((row) => row.id).sort((a, b) => a - b);
  await recordAudit(tx, { actor: input.actor, action: 'signatures.moderate', subject: `letter:${letter.slug}`, details: { ...result, selected, note } }, now);
  return result;
}

/**
 * "Approve all pending from verified affiliations": every pending signature whose signer confirmed
 * an address at their organisation's domain. Signatures held for a reason (a famous name, say)
 * or by an address rejected before still wait for a moderator's own look.
 */
export async function approveVerifiedPending(ctx: Context, input: { letterId: number; actor: Actor; note?: string }): Promise<{ approved: number[] }> {
  const note = cleanNote(input.note);
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    const letter = await findLetterById(tx, input.letterId);
    const approved = await approveVerifiedPendingSignatures(tx, letter.id, { moderatedAt: now, ...(note ? { moderationNote: note } : {}) });
    await recordAudit(tx, { actor: input.actor, action: 'signatures.approve_verified', subject: `letter:${letter.slug}`, details: { approved, note } }, now);
    return { approved };
  });
}

function cleanNote(raw: string | undefined): string | null {
  const note = (raw ?? '').normalize('NFC').trim();
  if ([...note].length > MAX_NOTE_LENGTH) throw new AppError('note_too_long', 422, `The note must be ${MAX_NOTE_LENGTH} characters or fewer.`);
  return note || null;
}

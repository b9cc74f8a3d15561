import type { Context } from '../context.js';
import { AppError } from '../web/errors.js';
import { approveVerifiedPending, MAX_MODERATED_AT_ONCE, moderateSignaturesIn, type ModerationAction, type ModerationResult } from './moderate-signatures.js';
import type { Actor } from '../audit/index.js';
import { findLetter, type LetterRow } from '../letters/index.js';
import { countSignaturesOnLetter, countVerifiedPending, listModerationQueue, type ModerationQueueItem, type SignatureState } from '../signatures/index.js';

/**
 * The organisers' side of moderation, by letter address: what the queue page shows and what its
 * forms do. The moderation rules themselves are in moderate-signatures.ts.
 */

export const QUEUE_STATES = ['pending', 'approved', 'rejected', 'unconfirmed', 'withdrawn', 'all'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

export interface QueueFilters {
  state: QueueState;
  q?: string;
  cursor?: number;
  limit?: number;
}

export const QUEUE_PAGE_SIZE = 50;

/**
 * Owners and moderators judge signatures partly by the address, so they see it; viewers see
 * only its domain, and their searches do not look at addresses either (a search is a way to ask
 * "did this address sign?").
 */
export interface QueueReader {
  seesEmails: boolean;
}

export type QueueRow = Omit<ModerationQueueItem, 'email' | 'ipHash'> & { email: string | null; ipHash: string | null };

export interface ModerationQueueView {
  letter: LetterRow;
  rows: QueueRow[];
  nextCursor: number | null;
  countsByState: Record<SignatureState, number>;
}

export const countsByStateOf = (letter: LetterRow): Record<SignatureState, number> => ({
  pending: letter.countPending,
  approved: letter.countApproved,
  rejected: letter.countRejected,
  unconfirmed: letter.countUnconfirmed,
  withdrawn: letter.countWithdrawn,
});

/** A page of a letter's moderation queue, newest first, as `reader` may see it. */
export async function viewModerationQueue(ctx: Context, slug: string, filters: QueueFilters, reader: QueueReader): Promise<ModerationQueueView> {
  const letter = await findLetter(ctx.db, slug);
  const page = await listModerationQueue(ctx, {
    letterId: letter.id,
    state: filters.state === 'all' ? undefined : filters.state,
    q: filters.q,
    cursor: filters.cursor,
    limit: filters.limit ?? QUEUE_PAGE_SIZE,
    searchEmails: reader.seesEmails,
  });
  // Those who may not see addresses may not block by them either.
  const rows = page.items.map((item) => ({ ...item, email: reader.seesEmails ? item.email : null, ipHash: reader.seesEmails ? item.ipHash : null }));
  return { letter, rows, nextCursor: page.nextCursor, countsByState: countsByStateOf(letter) };
}

export interface ModerateSelectionInput {
  slug: string;
  ids: readonly number[];
  action: ModerationAction;
  note?: string;
  actor: Actor;
}

/**
 * A moderator's bulk action from the queue. A selection that names signatures of another letter
 * (or none at all) is refused whole, with nothing changed: the page it came from was not this
 * letter's queue, so no part of it can be trusted.
 */
export async function moderateSelectedSignatures(ctx: Context, input: ModerateSelectionInput): Promise<ModerationResult> {
  const ids = [...new Set(input.ids)];
  if (ids.length > MAX_MODERATED_AT_ONCE) throw new AppError('too_many_selected', 422, `Select at most ${MAX_MODERATED_AT_ONCE} signatures at a time.`, { field: 'ids' });
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    const letter = await findLetter(tx, input.slug);
    const found = await countSignaturesOnLetter(tx, letter.id, ids);
    if (found < ids.length) {
      const missing = ids.length - found;
      throw new AppError('not_on_this_letter', 422, `${missing} of the selected signatures ${missing === 1 ? 'is' : 'are'} not on this letter. Nothing was changed; reload the queue and select again.`, { field: 'ids' });
    }
    return moderateSignaturesIn(tx, { letterId: letter.id, ids, action: input.action, note: input.note, actor: input.actor }, now);
  });
}

/** What "approve all pending from verified affiliations" would do, for its confirmation page. */
export async function previewApproveVerified(ctx: Context, slug: string): Promise<{ letter: LetterRow; count: number }> {
  const letter = await findLetter(ctx.db, slug);
  return { letter, count: await countVerifiedPending(ctx, letter.id) };
}

export async function approveVerifiedFromQueue(ctx: Context, input: { slug: string; note?: string; actor: Actor }): Promise<{ approved: number[] }> {
  const letter = await findLetter(ctx.db, input.slug);
  return approveVerifiedPending(ctx, { letterId: letter.id, note: input.note, actor: input.actor });
}

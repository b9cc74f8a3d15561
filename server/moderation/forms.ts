import { z } from 'zod';
import { cleanText, textValue } from '../web/forms.js';
import { optionalText, optionalWhole, parseQueryWith } from '../web/query.js';
import { MAX_MODERATED_AT_ONCE, MODERATION_ACTIONS, type ModerationAction } from './moderate-signatures.js';
import { QUEUE_STATES, type QueueFilters } from './moderate-letter.js';
import { EDIT_ACTIONS } from './moderate-edits.js';

const queueFilters = z.object({
  state: z.preprocess((raw) => textValue(raw) || undefined, z.enum(QUEUE_STATES).default('pending')),
  q: optionalText(100),
  cursor: optionalWhole(1, Number.MAX_SAFE_INTEGER),
  limit: optionalWhole(1, 200),
});

/** The queue's filters from its URL; a malformed one is a 400. */
export const parseQueueFilters = (query: unknown): QueueFilters => parseQueryWith(queueFilters, query);

/** The filters a moderation form carries back to the queue; unreadable ones fall back to the default view. */
export function returnFiltersOf(body: unknown): QueueFilters {
  const parsed = queueFilters.safeParse(typeof body === 'object' && body !== null ? body : {});
  return parsed.success ? parsed.data : { state: 'pending' };
}

/** A queue address with these filters; `extra` adds or replaces parameters (another cursor, an outcome). */
export function queueHref(slug: string, filters: QueueFilters, extra: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  const all = { state: filters.state === 'pending' ? undefined : filters.state, q: filters.q, limit: filters.limit, cursor: filters.cursor, ...extra };
  for (const [key, value] of Object.entries(all)) if (value !== undefined && value !== '') params.set(key, String(value));
  const search = params.toString();
  return `/admin/letters/${slug}/signatures${search ? `?${search}` : ''}`;
}

const NOTE = cleanText('note', { max: 500, multiline: true });

const signatureIds = z.preprocess(
  (raw) => (raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]),
  z
    .array(z.string().regex(/^\d{1,16}$/, 'The selection holds something that is not a signature. Reload the queue and select again.').transform(Number))
    .min(1, 'Select at least one signature.')
    .max(MAX_MODERATED_AT_ONCE, `Select at most ${MAX_MODERATED_AT_ONCE} signatures at a time.`)
    .refine((ids) => ids.every((id) => Number.isSafeInteger(id) && id > 0), 'The selection holds something that is not a signature. Reload the queue and select again.'),
);

export const MODERATION_FIELDS = ['ids', 'action', 'note'] as const;

export const moderationForm = z.object({
  ids: signatureIds,
  action: z.preprocess((raw) => textValue(raw), z.enum(MODERATION_ACTIONS, { message: 'Choose what to do with the selected signatures: approve, reject, feature or unfeature.' })),
  note: NOTE,
});

export const approveVerifiedForm = z.object({ note: NOTE });

/** The waiting-edits form of the queue: the edits ticked, and approve or reject. */
export const editDecisionForm = z.object({
  edits: signatureIds,
  action: z.preprocess((raw) => textValue(raw), z.enum(EDIT_ACTIONS, { message: 'Choose whether to approve or reject the selected changes.' })),
});

/** What a finished action left in the queue's address, for the message at the top of the page. */
const outcomeQuery = z.object({
  done: z.enum([...MODERATION_ACTIONS, 'approve-verified']),
  changed: z.coerce.number().int().min(0),
  unchanged: z.coerce.number().int().min(0).default(0),
  skipped: z.coerce.number().int().min(0).default(0),
});

type Outcome = z.infer<typeof outcomeQuery>;

const WORDING: Record<ModerationAction, { done: string; already: string; skippedBecause: string }> = {
  approve: { done: 'approved', already: 'already approved', skippedBecause: 'unconfirmed or withdrawn' },
  reject: { done: 'rejected', already: 'already rejected', skippedBecause: 'unconfirmed or withdrawn' },
  feature: { done: 'featured', already: 'already featured', skippedBecause: 'not pending or approved' },
  unfeature: { done: 'no longer featured', already: 'already not featured', skippedBecause: 'unconfirmed or withdrawn' },
};

const signaturesWord = (n: number): string => `${n} ${n === 1 ? 'signature' : 'signatures'}`;

/** The query parameters that carry an outcome across the redirect. Only numbers: the message is worded here, never taken from the URL. */
export const outcomeParams = (done: Outcome['done'], counts: { changed: number; unchanged?: number; skipped?: number }) => ({
  done,
  changed: counts.changed,
  unchanged: counts.unchanged || undefined,
  skipped: counts.skipped || undefined,
});

/** "3 signatures approved, 1 already approved, 1 skipped because unconfirmed or withdrawn." */
export function describeOutcome(query: unknown): string | undefined {
  const parsed = outcomeQuery.safeParse(typeof query === 'object' && query !== null ? query : {});
  if (!parsed.success) return undefined;
  const { done, changed, unchanged, skipped } = parsed.data;
  if (done === 'approve-verified') {
    return changed === 0 ? 'No pending signatures from verified affiliations were waiting; nothing changed.' : `${signaturesWord(changed)} from verified affiliations approved.`;
  }
  const wording = WORDING[done];
  const parts = [changed === 0 ? `No signatures ${wording.done}` : `${signaturesWord(changed)} ${wording.done}`];
  if (unchanged > 0) parts.push(`${unchanged} ${wording.already}`);
  if (skipped > 0) parts.push(`${skipped} skipped because ${wording.skippedBecause}`);
  return `${parts.join(', ')}.`;
}

const editsOutcomeQuery = z.object({ editsDone: z.enum(EDIT_ACTIONS), edits: z.coerce.number().int().min(0) });

/** "2 changes to entries approved." after the waiting-edits form; numbers only from the URL. */
export function describeEditsOutcome(query: unknown): string | undefined {
  const parsed = editsOutcomeQuery.safeParse(typeof query === 'object' && query !== null ? query : {});
  if (!parsed.success) return undefined;
  const { editsDone, edits } = parsed.data;
  return `${edits} ${edits === 1 ? 'change' : 'changes'} to entries ${editsDone === 'approve' ? 'approved and now shown' : 'rejected; the entries stay as they were'}.`;
}

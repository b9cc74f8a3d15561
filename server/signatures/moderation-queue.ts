import { and, count, desc, eq, inArray, isNull, lt } from 'drizzle-orm';
import type { Context } from '../context.js';
import { first, type Tx } from '../db/database.js';
import { anyColumnContains } from '../db/search.js';
import { pageOf, type Page } from '../lib/paging.js';
import { signatures, type SignatureRow, type SignatureState } from './table.js';
import { organisationsForJoins as organisations } from '../organisations/index.js';

/**
 * The signature rows as moderators see and change them: the queue of a letter, and the statements
 * behind moderation/ (its rules decide what changes; these write it).
 */

export interface ModerationQueueQuery {
  letterId: number;
  state?: SignatureState;
  /** Part of a name, email address, organisation (typed or matched) or email domain. */
  q?: string;
  /** False for readers who may not see addresses: `q` then matches names, organisations and domains only, so a search cannot tell whether an address signed. */
  searchEmails?: boolean;
  cursor?: number;
  limit: number;
}

const queueSelection = {
  id: signatures.id,
  state: signatures.state,
  name: signatures.name,
  email: signatures.email,
  emailDomain: signatures.emailDomain,
  title: signatures.title,
  organisationText: signatures.organisationText,
  organisationId: signatures.organisationId,
  organisationName: organisations.name,
  affiliationVerified: signatures.affiliationVerified,
  featured: signatures.featured,
  showPublic: signatures.showPublic,
  comment: signatures.comment,
  holdReason: signatures.holdReason,
  disposableEmail: signatures.disposableEmail,
  blocked: signatures.blocked,
  ipHash: signatures.ipHash,
  moderationNote: signatures.moderationNote,
  rejectedAt: signatures.rejectedAt,
  rejectionNote: signatures.rejectionNote,
  signedAt: signatures.signedAt,
  confirmedAt: signatures.confirmedAt,
  moderatedAt: signatures.moderatedAt,
};

const searchedColumns = (withEmails: boolean) => [
  signatures.name,
  // The address as shown (and mailed), and its key: the mailbox any alias of it stands for.
  ...(withEmails ? [signatures.email, signatures.emailKey] : []),
  signatures.organisationText,
  signatures.emailDomain,
  organisations.name,
];

/**
 * What moderators see of a letter's signatures, newest first, a page at a time (keyset paging on
 * id: with a state, signatures_letter_state_idx serves it). Organisers see emails; the public never does.
 */
export async function listModerationQueue(ctx: Pick<Context, 'db'>, query: ModerationQueueQuery) {
  const rows = await ctx.db
    .select(queueSelection)
    .from(signatures)
    .leftJoin(organisations, eq(organisations.id, signatures.organisationId))
    .where(
      and(
        eq(signatures.letterId, query.letterId),
        query.state ? eq(signatures.state, query.state) : undefined,
        query.cursor ? lt(signatures.id, query.cursor) : undefined,
        query.q ? anyColumnContains(searchedColumns(query.searchEmails ?? true), query.q) : undefined,
      ),
    )
    .orderBy(desc(signatures.id))
    .limit(query.limit + 1);
  return pageOf(rows, query.limit);
}

export type ModerationQueueItem = Awaited<ReturnType<typeof listModerationQueue>> extends Page<infer T> ? T : never;

/** Pending signatures "approve all verified" takes: verified affiliation, not held for a reason, never rejected before. */
const verifiedPendingOf = (letterId: number) =>
  and(eq(signatures.letterId, letterId), eq(signatures.state, 'pending'), eq(signatures.affiliationVerified, true), isNull(signatures.holdReason), isNull(signatures.rejectedAt));

/** How many signatures "approve all pending from verified affiliations" would approve now. */
export const countVerifiedPending = async (ctx: Pick<Context, 'db'>, letterId: number): Promise<number> =>
  (await first(ctx.db.select({ n: count() }).from(signatures).where(verifiedPendingOf(letterId))))?.n ?? 0;

/** Signatures of a letter among `ids`, with what moderation rules look at. */
export const findModeratableSignatures = (tx: Tx, letterId: number, ids: readonly number[]): Promise<Pick<SignatureRow, 'id' | 'state' | 'featured'>[]> =>
  tx
    .select({ id: signatures.id, state: signatures.state, featured: signatures.featured })
    .from(signatures)
    .where(and(eq(signatures.letterId, letterId), inArray(signatures.id, [...ids])));

/** How many of `ids` are signatures of the letter. */
export const countSignaturesOnLetter = async (tx: Tx, letterId: number, ids: readonly number[]): Promise<number> =>
  ids.length === 0 ? 0 : ((await first(tx.select({ n: count() }).from(signatures).where(and(eq(signatures.letterId, letterId), inArray(signatures.id, [...ids])))))?.n ?? 0);

/** What a moderator's action may change on a signature. */
export type ModerationChanges = Partial<Pick<SignatureRow, 'state' | 'featured' | 'rejectedAt' | 'rejectionNote' | 'moderatedAt' | 'moderationNote'>>;

export async function updateModeratedSignatures(tx: Tx, ids: readonly number[], changes: ModerationChanges): Promise<void> {
  await tx.update(signatures).set(changes).where(inArray(signatures.id, [...ids]));
}

/** Approves every pending signature "approve all verified" takes (see verifiedPendingOf); returns their ids, in order. */
export const approveVerifiedPendingSignatures = async (tx: Tx, letterId: number, changes: Pick<ModerationChanges, 'moderatedAt' | 'moderationNote'>): Promise<number[]> =>
  (await tx.update(signatures).set({ ...changes, state: 'approved' }).where(verifiedPendingOf(letterId)).returning({ id: signatures.id })).map((row) => row.id).sort((a, b) => a - b);

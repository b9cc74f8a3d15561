import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Context } from '../context.js';
import { AppError } from '../web/errors.js';
import { endorsements, type EndorsementRow, type EndorsementState } from './table.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { bumpPublicRevision, findLetter, type LetterRow } from '../letters/index.js';
import { organisationsForJoins as organisations } from '../organisations/index.js';

export const ENDORSEMENT_ACTIONS = ['approve', 'reject'] as const;
export type EndorsementAction = (typeof ENDORSEMENT_ACTIONS)[number];

/** The tabs of the admin list: every state an organiser looks at. */
export const ENDORSEMENT_TABS = ['pending', 'approved', 'rejected', 'unconfirmed'] as const satisfies readonly EndorsementState[];
export type EndorsementTab = (typeof ENDORSEMENT_TABS)[number];

/** Endorsements per letter are a few hundred at most; a tab shows this many, newest first. */
const TAB_LIMIT = 500;
export const MAX_ENDORSEMENTS_AT_ONCE = TAB_LIMIT;

export type EndorsementForModeration = EndorsementRow & { organisationName: string | null };

export interface EndorsementsForModeration {
  letter: LetterRow;
  rows: EndorsementForModeration[];
  counts: Record<EndorsementTab, number>;
}

/** What an organiser sees of a letter's endorsements in one state, with how many each tab holds. */
export async function viewEndorsements(ctx: Context, slug: string, state: EndorsementTab): Promise<EndorsementsForModeration> {
  const letter = await findLetter(ctx.db, slug);
  const rows = await ctx.db
    .select({ endorsement: endorsements, organisationName: organisations.name })
    .from(endorsements)
    .leftJoin(organisations, eq(organisations.id, endorsements.organisationId))
    .where(and(eq(endorsements.letterId, letter.id), eq(endorsements.state, state)))
    .orderBy(desc(endorsements.id))
    .limit(TAB_LIMIT);
  const counts = Object.fromEntries(ENDORSEMENT_TABS.map((tab) => [tab, 0])) as Record<EndorsementTab, number>;
  const all = await ctx.db.select({ state: endorsements.state }).from(endorsements).where(eq(endorsements.letterId, letter.id));
  for (const row of all) counts[row.state] += 1;
  return { letter, rows: rows.map((row) => ({ ...row.endorsement, organisationName: row.organisationName })), counts };
}

export interface ModerateEndorsementsInput {
  slug: string;
  ids: readonly number[];
  action: EndorsementAction;
  actor: Actor;
}

export interface EndorsementModeration {
  action: EndorsementAction;
  changed: number;
  /** Already as the action would leave them. */
  unchanged: number;
  /** Not yet confirmed by their representative (or not this letter's): nothing to judge. */
  skipped: number;
}

const TARGET: Record<EndorsementAction, EndorsementState> = { approve: 'approved', reject: 'rejected' };

/**
 * An organiser approves or rejects a batch of a letter's endorsements, in one transaction with one
 * audit record. Only endorsements their representative confirmed can be judged.
 */
export async function moderateEndorsements(ctx: Context, input: ModerateEndorsementsInput): Promise<EndorsementModeration> {
  const ids = [...new Set(input.ids)];
  if (ids.length === 0) throw new AppError('nothing_selected', 422, 'Select at least one endorsement.', { field: 'ids' });
  const target = TARGET[input.action];
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    const letter = await findLetter(tx, input.slug);
    const rows = await tx.select({ id: endorsements.id, state: endorsements.state }).from(endorsements).where(and(eq(endorsements.letterId, letter.id), inArray(endorsements.id, ids)));
    const judgeable = rows.filter((row) => row.state !== 'unconfirmed');
    const changed = judgeable.filter((row) => row.state !== target).map((row) => row.id);
    if (changed.length > 0) {
      await tx.update(endorsements).set({ state: target, moderatedAt: now }).where(inArray(endorsements.id, changed));
      await bumpPublicRevision(tx, letter.id);
      await recordAudit(tx, { actor: input.actor, action: `endorsements.${input.action}`, subject: `letter:${letter.slug}`, details: { ids: changed } }, now);
    }
    return { action: input.action, changed: changed.length, unchanged: judgeable.length - changed.length, skipped: ids.length - judgeable.length };
  });
}

import type { Context } from '../context.js';
import type { Reader } from '../db/database.js';
import type { ListQuery } from './list-query.js';
import { effectiveStatus, findPublicLetter, findPublicLetterWithVersion, isAcceptingSignatures, signatureCount, type PublicLetter, type PublicLetterRow } from '../letters/index.js';
import { allPublicSignatories, listFeaturedSignatories, listPublicSignatories, organisationBreakdown, type PublicSignatory } from '../signatures/index.js';

export const PAGE_SIZE = 100;
const NEWEST_ON_LETTER_PAGE = 10;

const filterOf = (letter: PublicLetterRow, query: ListQuery) => ({ letterId: letter.id, q: query.q, organisation: query.organisation });

/**
 * A reader browses who signed: a page of the public list, with the featured signatories above the
 * first page of the unfiltered list and the organisation breakdown.
 */
export async function browseSignatories(ctx: Context, slug: string, query: ListQuery, defaultLimit = PAGE_SIZE) {
  return browseLetterSignatories(ctx, await findPublicLetterWithVersion(ctx.db, slug), query, defaultLimit);
}

/** browseSignatories for a letter already found. */
export async function browseLetterSignatories(ctx: Context, { letter, version }: PublicLetter, query: ListQuery, defaultLimit = PAGE_SIZE) {
  const filtered = Boolean(query.q || query.organisation);
  const page = await listPublicSignatories(ctx.db, { ...filterOf(letter, query), cursor: query.cursor, limit: query.limit ?? defaultLimit });
  return {
    letter,
    version,
    count: signatureCount(letter),
    listed: letter.countListed,
    query,
    filtered,
    featured: filtered || query.cursor ? [] : await listFeaturedSignatories(ctx.db, letter.id),
    signatories: page.items,
    nextCursor: page.nextCursor,
    searchIncomplete: page.searchIncomplete,
    breakdown: await organisationBreakdown(ctx.db, letter.id),
  };
}

/** A journalist downloads the public list: the same rows and filters as the page, every page of them. */
export async function downloadSignatories(ctx: Context, slug: string, query: ListQuery): Promise<{ letter: PublicLetterRow; signatories: AsyncIterable<PublicSignatory> }> {
  const letter = await findPublicLetter(ctx.db, slug);
  return { letter, signatories: allPublicSignatories(ctx.db, filterOf(letter, query)) };
}

/** What the letter page shows of the list: featured signatories and the newest listed names. */
export async function signatoriesPreview(db: Reader, letterId: number) {
  return {
    featured: await listFeaturedSignatories(db, letterId),
    newest: (await listPublicSignatories(db, { letterId, limit: NEWEST_ON_LETTER_PAGE })).items,
  };
}

/** A letter as the public API and embeds describe it: status, counts, breakdown and the text's fingerprint. */
export async function summariseLetter(ctx: Context, slug: string) {
  const { letter, version } = await findPublicLetterWithVersion(ctx.db, slug);
  return {
    letter,
    version,
    status: effectiveStatus(letter, ctx.now()),
    accepting: isAcceptingSignatures(letter, ctx.now()),
    count: signatureCount(letter),
    listed: letter.countListed,
    breakdown: await organisationBreakdown(ctx.db, letter.id),
  };
}

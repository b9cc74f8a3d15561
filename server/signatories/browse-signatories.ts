import type { Context } from '../context.js';
import type { Db } from '../db/client.js';
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
export function browseSignatories(ctx: Context, slug: string, query: ListQuery, defaultLimit = PAGE_SIZE) {
  return browseLetterSignatories(ctx, findPublicLetterWithVersion(ctx.db, slug), query, defaultLimit);
}

/** browseSignatories for a letter already found. */
export function browseLetterSignatories(ctx: Context, { letter, version }: PublicLetter, query: ListQuery, defaultLimit = PAGE_SIZE) {
  const filtered = Boolean(query.q || query.organisation);
  const page = listPublicSignatories(ctx.db, { ...filterOf(letter, query), cursor: query.cursor, limit: query.limit ?? defaultLimit });
  return {
    letter,
    version,
    count: signatureCount(letter),
    listed: letter.countListed,
    query,
    filtered,
    featured: filtered || query.cursor ? [] : listFeaturedSignatories(ctx.db, letter.id),
    signatories: page.items,
    nextCursor: page.nextCursor,
    searchIncomplete: page.searchIncomplete,
    breakdown: organisationBreakdown(ctx.db, letter.id),
  };
}

/** A journalist downloads the public list: the same rows and filters as the page, every page of them. */
export function downloadSignatories(ctx: Context, slug: string, query: ListQuery): { letter: PublicLetterRow; signatories: Iterable<PublicSignatory> } {
  const letter = findPublicLetter(ctx.db, slug);
  return { letter, signatories: allPublicSignatories(ctx.db, filterOf(letter, query)) };
}

/** What the letter page shows of the list: featured signatories and the newest listed names. */
export function signatoriesPreview(db: Db, letterId: number) {
  return {
    featured: listFeaturedSignatories(db, letterId),
    newest: listPublicSignatories(db, { letterId, limit: NEWEST_ON_LETTER_PAGE }).items,
  };
}

/** A letter as the public API and embeds describe it: status, counts, breakdown and the text's fingerprint. */
export function summariseLetter(ctx: Context, slug: string) {
  const { letter, version } = findPublicLetterWithVersion(ctx.db, slug);
  return {
    letter,
    version,
    status: effectiveStatus(letter, ctx.now()),
    accepting: isAcceptingSignatures(letter, ctx.now()),
    count: signatureCount(letter),
    listed: letter.countListed,
    breakdown: organisationBreakdown(ctx.db, letter.id),
  };
}

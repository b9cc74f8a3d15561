import type { Context } from '../context.js';
import { sentPageOf, type SentPage } from '../web/page-cache.js';
import { browseLetterSignatories } from './browse-signatories.js';
import { listHref, type ListQuery } from './list-query.js';
import { endorsementsOnPage } from '../endorsements/index.js';
import { findPublicLetter, publicFingerprint, publishedVersionOf, type PublicLetter } from '../letters/index.js';

/**
 * A page of the public list as HTML. Pages of the whole list are kept until the letter's
 * fingerprint moves (a listed signatory changes, the count moves). Searches and organisation
 * filters are rendered each time: they are free text, rarely asked twice, and what an
 * organisation filter matches depends on names and aliases the fingerprint does not cover.
 */
export async function renderSignatoriesPage(ctx: Context, slug: string, query: ListQuery): Promise<SentPage> {
  const letter = await findPublicLetter(ctx.db, slug);
  const render = async () => ctx.views.render('signatories/list', await signatoriesPageModel(ctx, { letter, version: await publishedVersionOf(ctx.db, letter) }, query));
  if (query.q || query.organisation) return sentPageOf(await render());
  return ctx.pages.get(`signatories:${letter.id}:${listHref('', query, query.cursor)}`, publicFingerprint(letter, ctx.now()), render);
}

async function signatoriesPageModel(ctx: Context, found: PublicLetter, query: ListQuery) {
  const model = await browseLetterSignatories(ctx, found, query);
  const path = `/letters/${model.letter.slug}/signatories`;
  return {
    ...model,
    title: `Signatories: ${model.letter.title}`,
    canonicalUrl: `${ctx.config.baseUrl}${path}`,
    description: model.letter.summary,
    nextHref: model.nextCursor ? listHref(path, query, model.nextCursor) : null,
    firstHref: query.cursor ? listHref(path, query, null) : null,
    csvHref: listHref(`${path}.csv`, { ...query, limit: undefined }, null),
    // Deep pages and searches are many and thin: only the first page is for search engines.
    noindex: Boolean(query.cursor || model.filtered),
    ...(await endorsementsOnPage(ctx.db, model.letter, 'signatories')),
  };
}

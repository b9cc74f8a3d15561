import type { Context } from '../context.js';
import { sentPageOf, type SentPage } from '../web/page-cache.js';
import { browseLetterSignatories } from './browse-signatories.js';
import { listHref, type ListQuery } from './list-query.js';
import { endorsementsOnPage } from '../endorsements/index.js';
import type { Request, Response } from 'express';
import { findPublicLetter, letterLanguages, publicFingerprint, publishedVersionIn, textAsShown, type PublicLetter } from '../letters/index.js';
import { answerInLetterLanguage, keptPageLanguage } from '../web/language.js';
import { param } from '../web/params.js';
import type { Translator } from '../web/i18n.js';

/**
 * A page of the public list as HTML. Pages of the whole list are kept until the letter's
 * fingerprint moves (a listed signatory changes, the count moves). Searches and organisation
 * filters are rendered each time: they are free text, rarely asked twice, and what an
 * organisation filter matches depends on names and aliases the fingerprint does not cover.
 */
export async function renderSignatoriesPage(ctx: Context, req: Request, res: Response, query: ListQuery): Promise<SentPage> {
  const letter = await findPublicLetter(ctx.db, param(req, 'slug'));
  const path = `/letters/${letter.slug}/signatories`;
  const languages = letterLanguages(letter);
  const lang = answerInLetterLanguage(req, res, languages, listHref(path, query, query.cursor));
  const language = keptPageLanguage(res);
  const render = async () => {
    const version = await publishedVersionIn(ctx.db, letter, lang);
    const model = await signatoriesPageModel(ctx, { letter, version }, query, language.t, languages.length > 1 ? lang : undefined);
    return ctx.views.render('signatories/list', { ...model, ...language, text: textAsShown(letter, version) });
  };
  if (query.q || query.organisation) return sentPageOf(await render());
  return ctx.pages.get(`signatories:${letter.id}:${lang}:${language.lang}:${listHref('', query, query.cursor)}`, publicFingerprint(letter, ctx.now()), render);
}

async function signatoriesPageModel(ctx: Context, found: PublicLetter, query: ListQuery, t: Translator['t'], lang: string | undefined) {
  const model = await browseLetterSignatories(ctx, found, query);
  const path = `/letters/${model.letter.slug}/signatories`;
  const text = textAsShown(found.letter, found.version);
  return {
    ...model,
    title: t('list.title', { title: text.title }),
    canonicalUrl: `${ctx.config.baseUrl}${listHref(path, {}, null, lang)}`,
    description: text.summary,
    nextHref: model.nextCursor ? listHref(path, query, model.nextCursor, lang) : null,
    firstHref: query.cursor ? listHref(path, query, null, lang) : null,
    csvHref: listHref(`${path}.csv`, { ...query, limit: undefined }, null),
    // Deep pages and searches are many and thin: only the first page is for search engines.
    noindex: Boolean(query.cursor || model.filtered),
    ...(await endorsementsOnPage(ctx.db, model.letter, 'signatories')),
  };
}

import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { answerInLetterLanguage, keptPageLanguage } from '../web/language.js';
import { sentPageOf, type KeptPage, type SentPage } from '../web/page-cache.js';
import type { Context } from '../context.js';
import { signatoriesPreview } from './browse-signatories.js';
import { formStampFor, givenBackFormStamp } from '../abuse/index.js';
import { endorsementsOnPage } from '../endorsements/index.js';
import { publicUpdatesOf } from '../updates/index.js';
import { findDelivery } from '../dossier/index.js';
import { param } from '../web/params.js';
import { SIGN_FIELD_RULES, type GivenBackLetterPage, type SignFormState } from '../signatures/index.js';
import { currentVersionIdIn, textAsShown, effectiveStatus, findPublicLetter, isAcceptingSignatures, letterLanguages, publicFingerprint, publishedVersionIn, signatureCount, type PublicLetter, type PublishedLetterRow, versionHtml } from '../letters/index.js';

/** Enhancements only: the page and its form work the same without them (public/*.js, loaded with defer). */
const LETTER_PAGE_SCRIPTS = ['form-validation.js', 'share.js', 'live-count.js'];

const EMPTY_SIGN_FORM: SignFormState = { values: { public: true, updates: false }, errors: {} };

/**
 * Everything the letter page shows with a sign form given back to a person: errors to correct, or a
 * notice (see givenBackFormStamp). The sign routes are handed this (see app.ts), so signing does
 * not depend on the module that renders the letter page.
 */
export async function givenBackLetterPageModel(ctx: Context, req: Request, res: Response, form: SignFormState): Promise<GivenBackLetterPage> {
  const letter = await findPublicLetter(ctx.db, param(req, 'slug'));
  const lang = chooseLetterPageLanguage(req, res, letter);
  const found = { letter, version: await publishedVersionIn(ctx.db, letter, lang) };
  return { ...(await modelOf(ctx, found, form)), formStamp: givenBackFormStamp(ctx, found.letter.slug, found.version.id) };
}

/** The letter page's language among the letter's (README "Languages"); its switcher links the plain page in each. */
const chooseLetterPageLanguage = (req: Request, res: Response, letter: PublishedLetterRow): string =>
  answerInLetterLanguage(req, res, letterLanguages(letter), `/letters/${encodeURIComponent(letter.slug)}`);


/** Stands in the kept page for the form stamp, which is new on every request. Random so no letter text can contain it. */
const FORM_STAMP_SLOT = `form-stamp-${randomBytes(12).toString('hex')}`;

/** Stands in the kept page's sign form for the partner ref of the link the visitor followed, if any. */
const REF_SLOT = `ref-slot-${randomBytes(12).toString('hex')}`;

/** The sign form's hidden ref field; `ref` passed partnerRefOf, so it holds nothing HTML would read as markup. */
const refField = (ref: string | undefined): string => (ref ? `<input type="hidden" name="ref" value="${ref}">` : '');

/**
 * The letter page as a visitor first gets it, as HTML. It is rendered once per state of the
 * letter (its fingerprint: text, status, counts, listed signatories) and kept; only the form
 * stamp is filled in per request.
 */
export async function renderLetterPage(ctx: Context, req: Request, res: Response, ref?: string): Promise<SentPage> {
  const letter = await findPublicLetter(ctx.db, param(req, 'slug'));
  chooseLetterPageLanguage(req, res, letter);
  const language = keptPageLanguage(res);
  // One kept page per language of the letter (and of the interface, which follows it or the reader).
  const kept = await ctx.pages.get(`letter:${letter.id}:${language.textLang}:${language.lang}`, publicFingerprint(letter, ctx.now()), async () => {
    const model = await modelOf(ctx, { letter, version: await publishedVersionIn(ctx.db, letter, language.textLang) }, EMPTY_SIGN_FORM);
    return ctx.views.render('letters/show', { ...model, ...language, formStamp: FORM_STAMP_SLOT, refSlot: REF_SLOT });
  });
  // A stamp lasts a second (see formStampFor): the stamped page and its entity tag are made once
  // per stamp. The tag covers the stamp, so a 304 never keeps an old stamp in a browser's form.
  const stamp = formStampFor(ctx, letter.slug, currentVersionIdIn(letter, language.textLang) ?? letter.currentVersionId);
  // A partner's link is a small share of the views: its page is made for the request.
  if (ref) return sentPageOf(kept.html.replace(FORM_STAMP_SLOT, stamp).replace(REF_SLOT, refField(ref)));
  const stamped = stampedPages.get(kept);
  if (stamped?.stamp === stamp) return stamped.page;
  const page = sentPageOf(kept.html.replace(FORM_STAMP_SLOT, stamp).replace(REF_SLOT, ''));
  stampedPages.set(kept, { stamp, page });
  return page;
}

/** The last stamped copy of each kept page; it goes with the kept page it was made from. */
const stampedPages = new WeakMap<KeptPage, { stamp: string; page: SentPage }>();

async function modelOf(ctx: Context, { letter, version }: PublicLetter, form: SignFormState) {
  const now = ctx.now();
  const signatories = await signatoriesPreview(ctx.db, letter.id);
  const url = `${ctx.config.baseUrl}/letters/${letter.slug}`;
  // Each language of a letter in several is its own page (`?lang=`); the plain address negotiates (x-default).
  const inSeveral = letterLanguages(letter).length > 1;
  const text = textAsShown(letter, version);
  return {
    title: text.title,
    description: text.summary,
    canonicalUrl: inSeveral ? `${url}?lang=${version.lang}` : url,
    // Shared links negotiate: whoever opens one gets the letter in their own language.
    shareUrl: url,
    letter,
    version,
    text,
    versionsHref: `/letters/${encodeURIComponent(letter.slug)}/versions${inSeveral ? `?lang=${version.lang}` : ''}`,
    bodyHtml: versionHtml(version),
    count: signatureCount(letter),
    listed: letter.countListed,
    signatories,
    status: effectiveStatus(letter, now),
    accepting: isAcceptingSignatures(letter, now),
    form,
    signRules: SIGN_FIELD_RULES,
    countUrl: `/letters/${encodeURIComponent(letter.slug)}/count.json`,
    scripts: LETTER_PAGE_SCRIPTS,
    ...(await endorsementsOnPage(ctx.db, letter, 'letter')),
    updates: await publicUpdatesOf(ctx.db, letter.id),
    delivery: await findDelivery(ctx.db, letter.id),
  };
}

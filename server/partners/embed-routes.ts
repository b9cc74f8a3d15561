import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Context } from '../context.js';
import type { FieldErrors } from '../web/forms.js';
import { param } from '../web/params.js';
import { renderPage, wordsOf } from '../web/render.js';
import { allowFramingByOrigins, requireFormBody, requireSameOrigin } from '../web/security.js';
import { partnerRefOf } from '../lib/partner-ref.js';
import { findPartnerByRef } from './partners.js';
import { createRateLimits, formStampFor, givenBackFormStamp } from '../abuse/index.js';
import { findPublicLetter, findPublicLetterOnce, isAcceptingSignatures, letterLanguages, publishedVersionIn, textAsShown } from '../letters/index.js';
import { answerInLetterLanguage } from '../web/language.js';
import { handleSignForm, SIGN_FIELD_RULES, type SignFormState } from '../signatures/index.js';

/** The ref a request names: in the address, or in the form it posts. */
const refOf = (req: Request): string | undefined => partnerRefOf(req.method === 'POST' ? (req.body as Record<string, unknown> | undefined)?.ref : req.query.ref);

const withRef = (path: string, ref: string | null | undefined, langQuery = ''): string => {
  const query = [ref ? `ref=${ref}` : '', langQuery.slice(1)].filter(Boolean).join('&');
  return query ? `${path}?${query}` : path;
};

/**
 * The sign form partners frame on their own sites (`<iframe src="/letters/slug/embed/sign?ref=…">`):
 * the same form, checks and limits as the letter page's, posted from inside the frame (the form's
 * document is this site's, so the Origin check holds as for the letter page; no cookie is
 * involved), ending on a compact "check your email". Only the sites registered for the partner the
 * ref names may frame these pages; with no such partner no site may.
 */
export function partnerEmbedRoutes(ctx: Context): Router {
  const router = Router();
  const frameBy = allowFramingByOrigins(ctx.config);
  const sameOrigin = requireSameOrigin(ctx.config);
  const limits = createRateLimits(ctx);

  // First on each route, so that an error page (a limit, a closed letter) shows inside the frame too.
  const partnerFraming: RequestHandler = async (req, res, next) => {
    const ref = refOf(req);
    const letter = ref ? await findPublicLetterOnce(ctx.db, req, param(req, 'slug')).catch(() => undefined) : undefined;
    const partner = letter && ref ? await findPartnerByRef(ctx.db, letter.id, ref) : undefined;
    frameBy(res, partner?.origins ?? []);
    res.setHeader('Cache-Control', 'no-store');
    next();
  };

  const letterUrl = (slug: string, ref: string | null | undefined): string => withRef(`${ctx.config.baseUrl}/letters/${slug}`, ref);

  async function renderSignForm(req: Request, res: Response, form: SignFormState, status = 200, givenBack = false): Promise<void> {
    const found = await findPublicLetter(ctx.db, param(req, 'slug'));
    // The framed form is in the letter's language the reader gets, and records that text's version.
    const version = await publishedVersionIn(ctx.db, found, answerInLetterLanguage(req, res, letterLanguages(found)));
    const letter = { ...found, ...textAsShown(found, version) };
    const ref = partnerRefOf(form.values.ref);
    const hasErrors = Object.keys(form.errors as FieldErrors).length > 0;
    renderPage(res, 'partners/embed-sign', {
      title: `${hasErrors ? `${wordsOf(res)('form.error')} ` : ''}${wordsOf(res)('embed.signTitle', { title: letter.title })}`,
      letter,
      letterUrl: letterUrl(letter.slug, ref),
      accepting: isAcceptingSignatures(letter, ctx.now()),
      form: { ...form, values: { ...form.values, ref: ref ?? '' } },
      signRules: SIGN_FIELD_RULES,
      signAction: `/letters/${encodeURIComponent(letter.slug)}/embed/signatures${res.locals.langQuery as string}`,
      formStamp: givenBack ? givenBackFormStamp(ctx, letter.slug, version.id) : formStampFor(ctx, letter.slug, version.id),
      scripts: ['form-validation.js'],
    }, status);
  }

  router.get('/letters/:slug/embed/sign', partnerFraming, async (req, res) => {
    await renderSignForm(req, res, { values: { public: true, updates: false, ref: refOf(req) ?? '' }, errors: {} });
  });

  router.post('/letters/:slug/embed/signatures', partnerFraming, sameOrigin, requireFormBody, ...limits.signing, handleSignForm(ctx, {
    giveBack: (req, res, _slug, form, status) => renderSignForm(req, res, form, status, true),
    doneUrl: (slug, form, langQuery) => withRef(`/letters/${encodeURIComponent(slug)}/embed/check-your-email`, form.ref, langQuery),
  }));

  router.get('/letters/:slug/embed/check-your-email', partnerFraming, async (req, res) => {
    const letter = await findPublicLetter(ctx.db, param(req, 'slug'));
    answerInLetterLanguage(req, res, letterLanguages(letter));
    renderPage(res, 'partners/embed-done', { title: wordsOf(res)('check.title'), letter, letterUrl: letterUrl(letter.slug, refOf(req)) });
  });

  return router;
}

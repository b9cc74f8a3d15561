import { Router, type Request, type Response } from 'express';
import type { Context } from '../context.js';
import { openForReading, publicCache } from '../web/cors.js';
import { fieldErrorOf, formValues, parseForm } from '../web/forms.js';
import { param } from '../web/params.js';
import { renderPage, wordsOf } from '../web/render.js';
import { AppError } from '../web/errors.js';
import { answerInLetterLanguage } from '../web/language.js';
import { privateLinkPage, requireFormBody, requireSameOrigin } from '../web/security.js';
import { confirmEndorsement, describeEndorsementConfirmation } from './confirm-endorsement.js';
import { endorseLetter, endorsementsClosed } from './endorse-letter.js';
import { EMPTY_ENDORSE_FORM, ENDORSE_FIELD_MAX, ENDORSE_FIELDS, endorseForm, type EndorseFormState } from './forms.js';
import { listApprovedEndorsements, type PublicEndorsement } from './public-endorsements.js';
import { answerNoSoonerThan, createRateLimits, formStampFor, givenBackFormStamp } from '../abuse/index.js';
import { findPublicLetter, findPublicLetterOnce, isAcceptingSignatures, letterLanguages, type PublishedLetterRow } from '../letters/index.js';

const endorsementJson = (endorsement: PublicEndorsement) => ({
  organisation: endorsement.organisation,
  verifiedAffiliation: endorsement.verifiedDomain ? { domain: endorsement.verifiedDomain } : null,
  statement: endorsement.statement,
  representative: { name: endorsement.representativeName, role: endorsement.representativeRole },
  endorsedAt: endorsement.endorsedAt.toISOString(),
});

/** The endorse form, the representative's confirmation, and the approved endorsements as JSON. */
export function endorsementRoutes(ctx: Context): Router {
  const router = Router();
  const sameOrigin = requireSameOrigin(ctx.config);
  const limits = createRateLimits(ctx);

  /** The letter the form is about, the page speaking the reader's language among the letter's. */
  async function letterInReadersLanguage(req: Request, res: Response, letter?: PublishedLetterRow): Promise<PublishedLetterRow> {
    const found = letter ?? (await findPublicLetter(ctx.db, param(req, 'slug')));
    answerInLetterLanguage(req, res, letterLanguages(found));
    return found;
  }

  async function renderForm(req: Request, res: Response, form: EndorseFormState, status = 200): Promise<void> {
    const letter = await letterInReadersLanguage(req, res);
    const givenBack = status !== 200;
    const stamp = givenBack ? givenBackFormStamp(ctx, letter.slug, letter.currentVersionId) : formStampFor(ctx, letter.slug, letter.currentVersionId);
    const words = wordsOf(res);
    const heading = words('endorse.title', { title: letter.title });
    renderPage(res, 'endorsements/form', { title: Object.keys(form.errors).length > 0 ? words('sign.errorTitle', { title: heading }) : heading, letter, form, formStamp: stamp, max: ENDORSE_FIELD_MAX, accepting: isAcceptingSignatures(letter, ctx.now()) }, status);
  }

  router.get('/letters/:slug/endorse', async (req, res) => {
    await renderForm(req, res, EMPTY_ENDORSE_FORM);
  });

  // The same protections as signing, and the same counters: a connection's endorsements and signatures share its limits.
  router.post('/letters/:slug/endorsements', sameOrigin, requireFormBody, ...limits.signing, async (req, res) => {
    const evenTiming = answerNoSoonerThan(ctx.config.signResponseMs);
    const slug = param(req, 'slug');
    const letter = await letterInReadersLanguage(req, res, await findPublicLetterOnce(ctx.db, req, slug));
    if (!isAcceptingSignatures(letter, ctx.now())) throw endorsementsClosed();
    const parsed = parseForm(endorseForm, req.body, ENDORSE_FIELDS);
    if (!parsed.ok) return renderForm(req, res, parsed, 422);
    try {
      await endorseLetter(ctx, { letter, form: parsed.data, lang: res.locals.lang as string });
    } catch (error) {
      const refused = fieldErrorOf(error);
      if (!refused || !(error instanceof AppError)) throw error;
      // Said next to its field in the page's language: the catalogue's `errors.<id>`.
      const errors = Object.fromEntries(Object.keys(refused.errors).map((field) => [field, `errors.${error.id}`]));
      return renderForm(req, res, { values: formValues(req.body, ENDORSE_FIELDS), errors }, refused.status);
    }
    await evenTiming();
    res.redirect(303, `/letters/${encodeURIComponent(letter.slug)}/endorsements/check-your-email${res.locals.langQuery as string}`);
  });

  router.get('/letters/:slug/endorsements/check-your-email', async (req, res) => {
    const letter = await letterInReadersLanguage(req, res);
    renderPage(res, 'endorsements/check-your-email', { title: wordsOf(res)('check.title'), letter });
  });

  // The confirm pages speak the language of the mail's link (`?lang`, see endorse-letter.ts), else the reader's.
  router.get('/endorsements/confirm/:token', privateLinkPage, async (req, res) => {
    renderPage(res, 'endorsements/confirm', { title: wordsOf(res)('endorseConfirm.title'), ...(await describeEndorsementConfirmation(ctx, param(req, 'token'))) });
  });

  router.post('/endorsements/confirm/:token', privateLinkPage, sameOrigin, async (req, res) => {
    renderPage(res, 'endorsements/confirmed', { title: wordsOf(res)('endorseConfirmed.title'), ...(await confirmEndorsement(ctx, param(req, 'token'))) });
  });

  // After the token pages: counts their failed look-ups (and only those) against the limit.
  for (const countFailure of limits.failedTokenLookups) router.use('/endorsements/confirm/:token', countFailure);

  router.get('/api/letters/:slug/endorsements', openForReading, publicCache(30), async (req, res) => {
    const letter = await findPublicLetter(ctx.db, param(req, 'slug'));
    const endorsements = await listApprovedEndorsements(ctx.db, letter.id);
    res.json({ letter: { slug: letter.slug, title: letter.title }, count: endorsements.length, endorsements: endorsements.map(endorsementJson) });
  });

  return router;
}

import { Router, type Response } from 'express';
import type { Context } from '../context.js';
import { openForReading, publicCache } from '../web/cors.js';
import { fieldErrorOf, formValues, parseForm } from '../web/forms.js';
import { param } from '../web/params.js';
import { renderPage } from '../web/render.js';
import { privateLinkPage, requireFormBody, requireSameOrigin } from '../web/security.js';
import { confirmEndorsement, describeEndorsementConfirmation } from './confirm-endorsement.js';
import { endorseLetter, endorsementsClosed } from './endorse-letter.js';
import { EMPTY_ENDORSE_FORM, ENDORSE_FIELD_MAX, ENDORSE_FIELDS, endorseForm, type EndorseFormState } from './forms.js';
import { listApprovedEndorsements, type PublicEndorsement } from './public-endorsements.js';
import { answerNoSoonerThan, createRateLimits, formStampFor, givenBackFormStamp } from '../abuse/index.js';
import { findPublicLetter, findPublicLetterOnce, isAcceptingSignatures } from '../letters/index.js';

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

  async function renderForm(res: Response, slug: string, form: EndorseFormState, status = 200): Promise<void> {
    const letter = await findPublicLetter(ctx.db, slug);
    const givenBack = status !== 200;
    const stamp = givenBack ? givenBackFormStamp(ctx, letter.slug, letter.currentVersionId) : formStampFor(ctx, letter.slug, letter.currentVersionId);
    const heading = `Endorse as an organisation: ${letter.title}`;
    renderPage(res, 'endorsements/form', { title: Object.keys(form.errors).length > 0 ? `Error: ${heading}` : heading, letter, form, formStamp: stamp, max: ENDORSE_FIELD_MAX, accepting: isAcceptingSignatures(letter, ctx.now()) }, status);
  }

  router.get('/letters/:slug/endorse', async (req, res) => {
    await renderForm(res, param(req, 'slug'), EMPTY_ENDORSE_FORM);
  });

  // The same protections as signing, and the same counters: a connection's endorsements and signatures share its limits.
  router.post('/letters/:slug/endorsements', sameOrigin, requireFormBody, ...limits.signing, async (req, res) => {
    const evenTiming = answerNoSoonerThan(ctx.config.signResponseMs);
    const slug = param(req, 'slug');
    const letter = await findPublicLetterOnce(ctx.db, req, slug);
    if (!isAcceptingSignatures(letter, ctx.now())) throw endorsementsClosed();
    const parsed = parseForm(endorseForm, req.body, ENDORSE_FIELDS);
    if (!parsed.ok) return renderForm(res, slug, parsed, 422);
    try {
      await endorseLetter(ctx, { letter, form: parsed.data });
    } catch (error) {
      const refused = fieldErrorOf(error);
      if (!refused) throw error;
      return renderForm(res, slug, { values: formValues(req.body, ENDORSE_FIELDS), errors: refused.errors }, refused.status);
    }
    await evenTiming();
    res.redirect(303, `/letters/${encodeURIComponent(letter.slug)}/endorsements/check-your-email`);
  });

  router.get('/letters/:slug/endorsements/check-your-email', async (req, res) => {
    const letter = await findPublicLetter(ctx.db, param(req, 'slug'));
    renderPage(res, 'endorsements/check-your-email', { title: 'Check your email', letter });
  });

  router.get('/endorsements/confirm/:token', privateLinkPage, async (req, res) => {
    renderPage(res, 'endorsements/confirm', { title: 'Confirm your organisation’s endorsement', ...(await describeEndorsementConfirmation(ctx, param(req, 'token'))) });
  });

  router.post('/endorsements/confirm/:token', privateLinkPage, sameOrigin, async (req, res) => {
    renderPage(res, 'endorsements/confirmed', { title: 'Thank you: the endorsement is confirmed', ...(await confirmEndorsement(ctx, param(req, 'token'))) });
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

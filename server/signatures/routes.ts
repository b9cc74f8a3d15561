import { Router, type Request, type RequestHandler } from 'express';
import type { Context } from '../context.js';
import { AppError } from '../web/errors.js';
import { formValues, parseForm, textValue } from '../web/forms.js';
import { param } from '../web/params.js';
import { renderPage } from '../web/render.js';
import { requireFormBody, requireSameOrigin } from '../web/security.js';
import { describeClientAddress } from '../lib/client-address.js';
import { confirmSignature, describeConfirmation } from './confirm-signature.js';
import { SIGN_FIELDS, signForm, type LetterPageWithForm, type SignFormState } from './forms.js';
import { letterClosed, SIGN_FORM_SEND_AGAIN, signLetter } from './sign-letter.js';
import { describeWithdrawal, withdrawSignature } from './withdraw-signature.js';
import { answerNoSoonerThan, createRateLimits } from '../abuse/index.js';
import { findPublicLetter, findPublicLetterOnce, isAcceptingSignatures } from '../letters/index.js';

const token = (req: Request): string => param(req, 'token');

/** Pages reached by a link with a token: the token must not leak through Referer or a shared cache. */
const privateLinkPage: RequestHandler = (_req, res, next) => {
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
  next();
};

/** What the letter page says above a form it gives back, and where it points. */
function sendAgainNotice(slug: string, error: AppError): SignFormState['notice'] {
  const { read, current } = error.details;
  if (typeof read !== 'number' || typeof current !== 'number') return { message: error.message };
  return { message: error.message, link: { href: `/letters/${encodeURIComponent(slug)}/versions/${read}..${current}`, text: `See what changed since version ${read}, the one you read` } };
}

/**
 * Signing, confirming and withdrawing. A sign form that comes back (errors, a changed text, a page
 * open too long) is shown on the letter page, which `letterPageWithForm` builds.
 */
export function signatureRoutes(ctx: Context, letterPageWithForm: LetterPageWithForm): Router {
  const router = Router();
  const sameOrigin = requireSameOrigin(ctx.config);
  const limits = createRateLimits(ctx);
  const tokenPage = privateLinkPage;

  router.post('/letters/:slug/signatures', sameOrigin, requireFormBody, ...limits.signing, async (req, res) => {
    const evenTiming = answerNoSoonerThan(ctx.config.signResponseMs);
    const slug = param(req, 'slug');
    const letter = await findPublicLetterOnce(ctx.db, req, slug);
    if (!isAcceptingSignatures(letter, ctx.now())) throw letterClosed();
    const parsed = parseForm(signForm, req.body, SIGN_FIELDS);
    if (!parsed.ok) {
      const model = await letterPageWithForm(ctx, slug, { values: parsed.values, errors: parsed.errors });
      return renderPage(res, 'letters/show', { ...model, title: `Error: ${model.title}` }, 422);
    }
    try {
      await signLetter(ctx, { letter, form: parsed.data, client: describeClientAddress(req.ip, ctx.config.sessionSecret) });
    } catch (error) {
      if (!(error instanceof AppError && SIGN_FORM_SEND_AGAIN.has(error.id))) throw error;
      // The form comes back filled in, stamped for the text on the page now.
      const model = await letterPageWithForm(ctx, slug, { values: formValues(req.body, SIGN_FIELDS), errors: {}, notice: sendAgainNotice(slug, error) });
      return renderPage(res, 'letters/show', { ...model, title: `Send again: ${model.title}` }, error.status);
    }
    await evenTiming();
    res.redirect(303, `/letters/${encodeURIComponent(slug)}/check-your-email`);
  });

  router.get('/letters/:slug/check-your-email', async (req, res) => {
    const letter = await findPublicLetter(ctx.db, param(req, 'slug'));
    renderPage(res, 'signatures/check-your-email', { title: 'Check your email', letter });
  });

  router.get('/signatures/confirm/:token', tokenPage, async (req, res) => {
    renderPage(res, 'signatures/confirm', { title: 'Confirm your signature', ...(await describeConfirmation(ctx, token(req))) });
  });

  router.post('/signatures/confirm/:token', tokenPage, sameOrigin, async (req, res) => {
    try {
      const view = await confirmSignature(ctx, token(req), textValue(req.body?.details));
      renderPage(res, 'signatures/confirmed', { title: 'Thank you for signing', scripts: ['share.js'], ...view });
    } catch (error) {
      if (!(error instanceof AppError && error.id === 'signature_details_changed')) throw error;
      renderPage(res, 'signatures/confirm', { title: 'Check your details again', ...(await describeConfirmation(ctx, token(req))), notice: error.message }, error.status);
    }
  });

  router.get('/signatures/withdraw/:token', tokenPage, async (req, res) => {
    renderPage(res, 'signatures/withdraw', { title: 'Withdraw your signature', ...(await describeWithdrawal(ctx, token(req))) });
  });

  router.post('/signatures/withdraw/:token', tokenPage, sameOrigin, async (req, res) => {
    renderPage(res, 'signatures/withdrawn', { title: 'Your signature was withdrawn', ...(await withdrawSignature(ctx, token(req))) });
  });

  // After the token pages: counts their failed look-ups (and only those) against the limit.
  for (const countFailure of limits.failedTokenLookups) router.use(['/signatures/confirm/:token', '/signatures/withdraw/:token'], countFailure);

  return router;
}

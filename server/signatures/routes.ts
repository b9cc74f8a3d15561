import { Router, type Request, type Response } from 'express';
import type { Context } from '../context.js';
import { AppError } from '../web/errors.js';
import { parseForm, textValue, type FieldErrors } from '../web/forms.js';
import { param } from '../web/params.js';
import { renderPage, wordsOf } from '../web/render.js';
import { answerInLetterLanguage, answerInSignersLanguage } from '../web/language.js';
import { privateLinkPage, requireFormBody, requireSameOrigin } from '../web/security.js';
import { confirmSignature, describeConfirmation } from './confirm-signature.js';
import { EDIT_FIELDS, editForm, SIGN_FIELD_RULES, type LetterPageWithForm } from './forms.js';
import { describeEdit, editSignature, type EditView } from './edit-signature.js';
import { handleSignForm } from './sign-form-handler.js';
import { describeWithdrawal, withdrawSignature } from './withdraw-signature.js';
import { createRateLimits } from '../abuse/index.js';
import { findPublicLetter, letterLanguages } from '../letters/index.js';

const token = (req: Request): string => param(req, 'token');

/** The edit form, filled with the entry as it is (or as the signer last sent it, with what to correct). */
function renderEditPage(req: Request, res: Response, view: EditView, form?: { values: Record<string, string>; errors: FieldErrors }, status = 200): void {
  const { signature } = inSignersLanguage(req, res, view);
  const values = form?.values ?? { name: signature.name, organisation: signature.organisationText, title: signature.title, comment: signature.comment, public: signature.showPublic ? 'yes' : 'no', updates: signature.contactUpdates ? 'yes' : 'no' };
  const errors = form?.errors ?? {};
  const words = wordsOf(res);
  const heading = words('edit.title');
  renderPage(res, 'signatures/edit', { title: Object.keys(errors).length > 0 ? words('sign.errorTitle', { title: heading }) : heading, ...view, form: { values, errors }, signRules: SIGN_FIELD_RULES }, status);
}

/** A page about a signature is in its signer's language (see answerInSignersLanguage); passes the view through. */
function inSignersLanguage<V extends { signature: { lang: string } }>(req: Request, res: Response, view: V): V {
  answerInSignersLanguage(req, res, view.signature.lang);
  return view;
}

/**
 * Signing, confirming, editing one's entry and withdrawing. A sign form that comes back (errors, a changed text, a page
 * open too long) is shown on the letter page, which `letterPageWithForm` builds.
 */
export function signatureRoutes(ctx: Context, letterPageWithForm: LetterPageWithForm): Router {
  const router = Router();
  const sameOrigin = requireSameOrigin(ctx.config);
  const limits = createRateLimits(ctx);
  const tokenPage = privateLinkPage;

  router.post('/letters/:slug/signatures', sameOrigin, requireFormBody, ...limits.signing, handleSignForm(ctx, {
    giveBack: async (req, res, _slug, form, status) => {
      const model = await letterPageWithForm(ctx, req, res, form);
      const title = wordsOf(res)(Object.keys(form.errors).length > 0 ? 'sign.errorTitle' : 'sign.sendAgainTitle', { title: model.title });
      renderPage(res, 'letters/show', { ...model, title }, status);
    },
    doneUrl: (slug, _form, langQuery) => `/letters/${encodeURIComponent(slug)}/check-your-email${langQuery}`,
  }));

  router.get('/letters/:slug/check-your-email', async (req, res) => {
    const letter = await findPublicLetter(ctx.db, param(req, 'slug'));
    answerInLetterLanguage(req, res, letterLanguages(letter));
    renderPage(res, 'signatures/check-your-email', { title: wordsOf(res)('check.title'), letter });
  });

  router.get('/signatures/confirm/:token', tokenPage, async (req, res) => {
    const view = inSignersLanguage(req, res, await describeConfirmation(ctx, token(req)));
    renderPage(res, 'signatures/confirm', { title: wordsOf(res)('confirm.title'), ...view });
  });

  router.post('/signatures/confirm/:token', tokenPage, sameOrigin, async (req, res) => {
    try {
      const view = inSignersLanguage(req, res, await confirmSignature(ctx, token(req), textValue(req.body?.details)));
      renderPage(res, 'signatures/confirmed', { title: wordsOf(res)('confirmed.title'), scripts: ['share.js'], ...view });
    } catch (error) {
      if (!(error instanceof AppError && error.id === 'signature_details_changed')) throw error;
      const view = inSignersLanguage(req, res, await describeConfirmation(ctx, token(req)));
      renderPage(res, 'signatures/confirm', { title: wordsOf(res)('confirm.titleChanged'), ...view, notice: `errors.${error.id}` }, error.status);
    }
  });

  router.get('/signatures/withdraw/:token', tokenPage, async (req, res) => {
    const view = inSignersLanguage(req, res, await describeWithdrawal(ctx, token(req)));
    renderPage(res, 'signatures/withdraw', { title: wordsOf(res)('withdraw.title'), ...view });
  });

  router.post('/signatures/withdraw/:token', tokenPage, sameOrigin, async (req, res) => {
    const view = inSignersLanguage(req, res, await withdrawSignature(ctx, token(req)));
    renderPage(res, 'signatures/withdrawn', { title: wordsOf(res)('withdrawn.title'), ...view });
  });

  router.get('/signatures/edit/:token', tokenPage, async (req, res) => {
    renderEditPage(req, res, await describeEdit(ctx, token(req)));
  });

  router.post('/signatures/edit/:token', tokenPage, sameOrigin, requireFormBody, async (req, res) => {
    const parsed = parseForm(editForm, req.body, EDIT_FIELDS);
    if (!parsed.ok) return renderEditPage(req, res, await describeEdit(ctx, token(req)), parsed, 422);
    const view = inSignersLanguage(req, res, await editSignature(ctx, token(req), parsed.data));
    renderPage(res, 'signatures/edited', { title: wordsOf(res)(view.outcome === 'waiting' ? 'edited.waitingHeading' : 'edited.heading'), ...view });
  });

  // After the token pages: counts their failed look-ups (and only those) against the limit.
  for (const countFailure of limits.failedTokenLookups) router.use(['/signatures/confirm/:token', '/signatures/withdraw/:token', '/signatures/edit/:token'], countFailure);

  return router;
}

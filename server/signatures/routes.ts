import { Router, type Request } from 'express';
import type { Context } from '../context.js';
import { letterPageModel } from '../letters/letter-page.js';
import { findPublicLetter, isAcceptingSignatures } from '../letters/service.js';
import { parseForm } from '../web/forms.js';
import { param } from '../web/params.js';
import { renderPage } from '../web/render.js';
import { requireFormBody, requireSameOrigin } from '../web/security.js';
import { describeClientAddress } from './client-address.js';
import { confirmSignature, describeConfirmation } from './confirm-signature.js';
import { SIGN_FIELDS, signForm } from './forms.js';
import { letterClosed, signLetter } from './sign-letter.js';
import { describeWithdrawal, withdrawSignature } from './withdraw-signature.js';

const token = (req: Request): string => param(req, 'token');

export function signatureRoutes(ctx: Context): Router {
  const router = Router();
  const sameOrigin = requireSameOrigin(ctx.config);

  router.post('/letters/:slug/signatures', sameOrigin, requireFormBody, (req, res) => {
    const slug = param(req, 'slug');
    const { letter } = findPublicLetter(ctx.db, slug);
    if (!isAcceptingSignatures(letter, ctx.now())) throw letterClosed();
    const parsed = parseForm(signForm, req.body, SIGN_FIELDS);
    if (!parsed.ok) {
      const model = letterPageModel(ctx, slug, { values: parsed.values, errors: parsed.errors });
      return renderPage(res, 'letters/show', { ...model, title: `Error: ${model.title}` }, 422);
    }
    signLetter(ctx, { slug, form: parsed.data, client: describeClientAddress(req.ip, ctx.config.sessionSecret) });
    res.redirect(303, `/letters/${encodeURIComponent(slug)}/check-your-email`);
  });

  router.get('/letters/:slug/check-your-email', (req, res) => {
    const { letter } = findPublicLetter(ctx.db, param(req, 'slug'));
    renderPage(res, 'signatures/check-your-email', { title: 'Check your email', letter });
  });

  router.get('/signatures/confirm/:token', (req, res) => {
    res.setHeader('Referrer-Policy', 'no-referrer');
    renderPage(res, 'signatures/confirm', { title: 'Confirm your signature', ...describeConfirmation(ctx, token(req)) });
  });

  router.post('/signatures/confirm/:token', sameOrigin, (req, res) => {
    res.setHeader('Referrer-Policy', 'no-referrer');
    renderPage(res, 'signatures/confirmed', { title: 'Thank you for signing', scripts: ['share.js'], ...confirmSignature(ctx, token(req)) });
  });

  router.get('/signatures/withdraw/:token', (req, res) => {
    res.setHeader('Referrer-Policy', 'no-referrer');
    renderPage(res, 'signatures/withdraw', { title: 'Withdraw your signature', ...describeWithdrawal(ctx, token(req)) });
  });

  router.post('/signatures/withdraw/:token', sameOrigin, (req, res) => {
    res.setHeader('Referrer-Policy', 'no-referrer');
    renderPage(res, 'signatures/withdrawn', { title: 'Your signature was withdrawn', ...withdrawSignature(ctx, token(req)) });
  });

  return router;
}

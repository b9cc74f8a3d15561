import { Router, type Request } from 'express';
import type { Context } from '../context.js';
import { param } from '../web/params.js';
import { renderPage, wordsOf } from '../web/render.js';
import { answerInSignersLanguage } from '../web/language.js';
import { privateLinkPage } from '../web/security.js';
import { describeUnsubscribe, unsubscribe } from './unsubscribe.js';
import { createRateLimits } from '../abuse/index.js';

const token = (req: Request): string => param(req, 'token');

/** The unsubscribe link of every update mail. */
export function updateRoutes(ctx: Context): Router {
  const router = Router();
  const limits = createRateLimits(ctx);

  // A GET changes nothing (mail scanners and link previews follow links): it shows a button.
  router.get('/unsubscribe/:token', privateLinkPage, async (req, res) => {
    const view = await describeUnsubscribe(ctx, token(req));
    answerInSignersLanguage(req, res, view.signerLang);
    renderPage(res, 'updates/unsubscribe', { title: wordsOf(res)(view.receivesUpdates ? 'unsubscribe.title' : 'unsubscribe.stoppedTitle'), ...view });
  });

  // No Origin / Sec-Fetch-Site check here, unlike every other public POST: RFC 8058's one-click
  // unsubscribe is POSTed by the mail provider's servers (no browser, no Origin of ours), and the
  // token, single purpose and unguessable, is the whole credential. The worst a forged post can
  // do is what the link's holder may do anyway: stop update mail for that one signature.
  router.post('/unsubscribe/:token', privateLinkPage, async (req, res) => {
    const view = await unsubscribe(ctx, token(req));
    answerInSignersLanguage(req, res, view.signerLang);
    renderPage(res, 'updates/unsubscribe', { title: wordsOf(res)('unsubscribe.stoppedTitle'), ...view, stoppedNow: true });
  });

  for (const countFailure of limits.failedTokenLookups) router.use('/unsubscribe/:token', countFailure);
  return router;
}

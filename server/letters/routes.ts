import { Router } from 'express';
import type { Context } from '../context.js';
import { summariseLetter } from '../signatures/browse-signatories.js';
import { publicCache } from '../web/cors.js';
import { param } from '../web/params.js';
import { renderPage } from '../web/render.js';
import { allowFramingByAnySite } from '../web/security.js';
import { letterPageModel } from './letter-page.js';
import { listOpenLetters, signatureCount } from './service.js';

export function letterRoutes(ctx: Context): Router {
  const router = Router();

  router.get('/', (_req, res) => {
    const letters = listOpenLetters(ctx.db, ctx.now()).map((letter) => ({ letter, count: signatureCount(letter) }));
    renderPage(res, 'letters/index', { title: 'Open letters', letters });
  });

  router.get('/letters/:slug', (req, res) => {
    renderPage(res, 'letters/show', letterPageModel(ctx, param(req, 'slug')));
  });

  // The one page other sites may frame: a counter with a link that opens the letter in a new tab.
  router.get('/letters/:slug/embed', allowFramingByAnySite(ctx.config), publicCache(60), (req, res) => {
    const summary = summariseLetter(ctx, param(req, 'slug'));
    renderPage(res, 'letters/embed', { ...summary, title: summary.letter.title, letterUrl: `${ctx.config.baseUrl}/letters/${summary.letter.slug}` });
  });

  return router;
}

import { Router } from 'express';
import type { Context } from '../context.js';
import { param } from '../web/params.js';
import { renderPage } from '../web/render.js';
import { letterPageModel } from './letter-page.js';
import { findPublicLetter, listOpenLetters, signatureCount } from './service.js';

export function letterRoutes(ctx: Context): Router {
  const router = Router();

  router.get('/', (_req, res) => {
    const letters = listOpenLetters(ctx.db, ctx.now()).map((letter) => ({ letter, count: signatureCount(letter) }));
    renderPage(res, 'letters/index', { title: 'Open letters', letters });
  });

  router.get('/letters/:slug', (req, res) => {
    renderPage(res, 'letters/show', letterPageModel(ctx, param(req, 'slug')));
  });

  // Polled by public/live-count.js; tiny and uncached so an open page shows new signatures.
  router.get('/letters/:slug/count.json', (req, res) => {
    const { letter } = findPublicLetter(ctx.db, param(req, 'slug'));
    res.setHeader('Cache-Control', 'no-cache');
    res.json({ count: signatureCount(letter) });
  });

  return router;
}

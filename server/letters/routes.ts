import { Router } from 'express';
import type { Context } from '../context.js';
import { param } from '../web/params.js';
import { renderPage } from '../web/render.js';
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

  return router;
}

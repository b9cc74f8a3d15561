import { Router } from 'express';
import type { Context } from '../context.js';
import { renderPage, wordsOf } from '../web/render.js';
import { privacyPolicy } from './policy.js';

export function privacyRoutes(ctx: Context): Router {
  const router = Router();
  const policy = privacyPolicy(ctx.config);

  router.get('/privacy', (_req, res) => {
    const t = wordsOf(res);
    renderPage(res, 'privacy/index', { title: t('privacy.title'), description: t('privacy.description'), policy });
  });

  return router;
}

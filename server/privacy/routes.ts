import { Router } from 'express';
import type { Context } from '../context.js';
import { renderPage } from '../web/render.js';
import { privacyPolicy } from './policy.js';

export function privacyRoutes(ctx: Context): Router {
  const router = Router();
  const policy = privacyPolicy(ctx.config);

  router.get('/privacy', (_req, res) => {
    renderPage(res, 'privacy/index', { title: 'Privacy', description: 'What Undersigned keeps about people who sign, why, for how long, and how to withdraw.', policy });
  });

  return router;
}

import { Router } from 'express';
import type { Context } from '../context.js';
import { textValue } from '../web/forms.js';
import { renderPage } from '../web/render.js';
import { listAuditEvents } from './list.js';
import { requireOrganiser } from '../organisers/index.js';

/** The audit log, for owners: who did what to which letter or account, newest first. */
export function auditRoutes(ctx: Context): Router {
  const router = Router();
  router.get('/admin/audit', requireOrganiser(ctx, 'owner'), async (req, res) => {
    const before = Number(textValue(req.query.before));
    const page = await listAuditEvents(ctx.db, Number.isSafeInteger(before) && before > 0 ? { before } : {});
    renderPage(res, 'audit/index', { title: 'Audit log', ...page, isFirstPage: !req.query.before });
  });
  return router;
}

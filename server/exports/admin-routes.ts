import { Router } from 'express';
import type { Context } from '../context.js';
import { textValue } from '../web/forms.js';
import { param } from '../web/params.js';
import { AppError } from '../web/errors.js';
import { exportSignatures, planSignatureExport } from './export-signatures.js';
import { findLetter } from '../letters/index.js';
import { actorFrom, currentOrganiser, hasRole, requireOrganiser } from '../organisers/index.js';

const STALLED_READER_MS = 60_000;

/** The reader went away mid-download: there is nobody left to answer, and the export has been audited as incomplete. */
const isClientGone = (error: unknown): boolean => (error as { code?: string } | null)?.code === 'ERR_STREAM_PREMATURE_CLOSE';

/**
 * The signatories CSV for organisers: moderators and owners; only owners get the email column
 * filled. The filters are checked before any header is sent, so a bad filter or an unknown
 * letter is an ordinary error page, never a download that holds one.
 */
export function exportAdminRoutes(ctx: Context): Router {
  const router = Router();
  // Each running export holds a database connection (a PostgreSQL cursor, a SQLite read
  // connection) for as long as its reader takes: a few at a time, so downloads that stall cannot
  // take every pooled connection from the pages.
  const mostAtOnce = ctx.config.databaseUrl ? Math.max(1, Math.floor(ctx.config.databasePoolSize / 2)) : 4;
  let running = 0;

  router.get('/admin/letters/:slug/signatures.csv', requireOrganiser(ctx, 'moderator'), async (req, res) => {
    const organiser = currentOrganiser(res);
    const letter = await findLetter(ctx.db, param(req, 'slug'));
    const filters = { state: textValue(req.query.state), verified: textValue(req.query.verified), since: textValue(req.query.since) };
    const plan = await planSignatureExport(ctx, { letterId: letter.id, filters });
    // Refused before the download's headers are set: the refusal is a page, never a file.
    if (req.method !== 'HEAD' && running >= mostAtOnce) throw new AppError('exports_busy', 503, 'Other exports are running. Please try again in a minute.', { retryAfterSeconds: 30 });

    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${plan.filename}"`);
    res.setHeader('Cache-Control', 'no-store');
    // A HEAD request gets the headers only: running (and auditing) an export nobody receives would mislead.
    if (req.method === 'HEAD') return void res.end();

    running += 1;
    // A reader that stops reading for a minute is let go, and its connection with it.
    req.socket.setTimeout(STALLED_READER_MS, () => req.socket.destroy());
    try {
      await exportSignatures(
        ctx,
        { letterId: letter.id, filters, includeEmails: hasRole(organiser, 'owner'), actor: actorFrom(organiser), bom: textValue(req.query.bom) === '1' },
        res,
      );
    } catch (error) {
      if (!isClientGone(error)) throw error;
    } finally {
      running -= 1;
      req.socket.setTimeout(0);
    }
  });

  return router;
}

import { Router } from 'express';
import type { Context } from '../context.js';
import { sendCsv, type CsvColumn } from '../lib/csv.js';
import { param } from '../web/params.js';
import { sendPage } from '../web/render.js';
import { downloadSignatories } from './browse-signatories.js';
import { renderSignatoriesPage } from './list-page.js';
import { parseListQuery } from './list-query.js';
import type { PublicSignatory } from './public-list.js';

/** The CSV holds exactly what the public list shows: never an email address. */
const CSV_COLUMNS: readonly CsvColumn<PublicSignatory>[] = [
  { header: 'Name', value: (s) => s.name },
  { header: 'Role', value: (s) => s.title },
  { header: 'Organisation', value: (s) => s.organisation },
  { header: 'Verified affiliation', value: (s) => (s.verifiedDomain ? `confirmed an address at ${s.verifiedDomain}` : '') },
  { header: 'Signed', value: (s) => s.signedAt.toISOString().slice(0, 10) },
];

export function signatoryListRoutes(ctx: Context): Router {
  const router = Router();

  router.get('/letters/:slug/signatories', (req, res) => {
    sendPage(res, renderSignatoriesPage(ctx, param(req, 'slug'), parseListQuery(req.query)));
  });

  router.get('/letters/:slug/signatories.csv', async (req, res) => {
    const query = parseListQuery(req.query);
    const { letter, signatories } = downloadSignatories(ctx, param(req, 'slug'), query);
    res.setHeader('Cache-Control', 'public, max-age=60');
    await sendCsv(res, `${letter.slug}-signatories.csv`, CSV_COLUMNS, signatories);
  });

  return router;
}

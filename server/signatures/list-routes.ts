import { Router } from 'express';
import type { Context } from '../context.js';
import { sendCsv, type CsvColumn } from '../lib/csv.js';
import { param } from '../web/params.js';
import { renderPage } from '../web/render.js';
import { browseSignatories, downloadSignatories } from './browse-signatories.js';
import { listHref, parseListQuery } from './list-query.js';
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
    const query = parseListQuery(req.query);
    const model = browseSignatories(ctx, param(req, 'slug'), query);
    const path = `/letters/${model.letter.slug}/signatories`;
    renderPage(res, 'signatures/signatories', {
      ...model,
      title: `Signatories: ${model.letter.title}`,
      canonicalUrl: `${ctx.config.baseUrl}${path}`,
      description: model.letter.summary,
      nextHref: model.nextCursor ? listHref(path, query, model.nextCursor) : null,
      firstHref: query.cursor ? listHref(path, query, null) : null,
      csvHref: listHref(`${path}.csv`, { ...query, limit: undefined }, null),
      // Deep pages and searches are many and thin: only the first page is for search engines.
      noindex: Boolean(query.cursor || model.filtered),
    });
  });

  router.get('/letters/:slug/signatories.csv', async (req, res) => {
    const query = parseListQuery(req.query);
    const { letter, signatories } = downloadSignatories(ctx, param(req, 'slug'), query);
    res.setHeader('Cache-Control', 'public, max-age=60');
    await sendCsv(res, `${letter.slug}-signatories.csv`, CSV_COLUMNS, signatories);
  });

  return router;
}

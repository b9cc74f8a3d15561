import { Router } from 'express';
import type { Context } from '../context.js';
import { sendCsv, type CsvColumn } from '../lib/csv/index.js';
import { param } from '../web/params.js';
import { partnerRefOf } from '../lib/partner-ref.js';
import { publicCache } from '../web/cors.js';
import { renderPage, sendPage } from '../web/render.js';
import { allowFramingByAnySite } from '../web/security.js';
import { downloadSignatories, summariseLetter } from './browse-signatories.js';
import { renderLetterPage } from './letter-page.js';
import { renderSignatoriesPage } from './list-page.js';
import { parseListQuery } from './list-query.js';
import type { PublicSignatory } from '../signatures/index.js';

/** The CSV holds exactly what the public list shows: never an email address. */
const CSV_COLUMNS: readonly CsvColumn<PublicSignatory>[] = [
  { header: 'Name', value: (s) => s.name },
  { header: 'Role', value: (s) => s.title },
  { header: 'Organisation', value: (s) => s.organisation },
  { header: 'Verified affiliation', value: (s) => (s.verifiedDomain ? `confirmed an address at ${s.verifiedDomain}` : '') },
  { header: 'Signed', value: (s) => s.signedAt.toISOString().slice(0, 10) },
];

/** The public pages of a letter and its signatories: the letter page, the list and its CSV, the embeddable counter. */
export function signatoryRoutes(ctx: Context): Router {
  const router = Router();

  router.get('/letters/:slug', async (req, res) => {
    sendPage(res, await renderLetterPage(ctx, req, res, partnerRefOf(req.query.ref)));
  });

  // The one page other sites may frame: a counter with a link that opens the letter in a new tab.
  router.get('/letters/:slug/embed', allowFramingByAnySite(ctx.config), publicCache(60), async (req, res) => {
    const summary = await summariseLetter(ctx, param(req, 'slug'));
    // A partner's counter sends its readers on with the partner's ref, so their signatures count as theirs.
    const ref = partnerRefOf(req.query.ref);
    const letterUrl = `${ctx.config.baseUrl}/letters/${summary.letter.slug}${ref ? `?ref=${ref}` : ''}`;
    renderPage(res, 'letters/embed', { ...summary, title: summary.letter.title, letterUrl });
  });

  router.get('/letters/:slug/signatories', async (req, res) => {
    sendPage(res, await renderSignatoriesPage(ctx, req, res, parseListQuery(req.query)));
  });

  router.get('/letters/:slug/signatories.csv', async (req, res) => {
    const query = parseListQuery(req.query);
    const { letter, signatories } = await downloadSignatories(ctx, param(req, 'slug'), query);
    res.setHeader('Cache-Control', 'public, max-age=60');
    await sendCsv(res, `${letter.slug}-signatories.csv`, CSV_COLUMNS, signatories);
  });

  return router;
}

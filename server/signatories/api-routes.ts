import { Router } from 'express';
import type { Context } from '../context.js';
import { openForReading, publicCache } from '../web/cors.js';
import { param } from '../web/params.js';
import { browseSignatories, summariseLetter } from './browse-signatories.js';
import { listHref, parseListQuery } from './list-query.js';
import type { PublicSignatory } from '../signatures/index.js';

const API_PAGE_SIZE = 50;
const CACHE_SECONDS = 30;

const signatoryJson = (signatory: PublicSignatory) => ({
  name: signatory.name,
  title: signatory.title,
  organisation: signatory.organisation,
  verifiedAffiliation: signatory.verifiedDomain ? { domain: signatory.verifiedDomain } : null,
  signedAt: signatory.signedAt.toISOString(),
});

/** Read-only JSON for other sites and scripts: the same rules as the public pages, open to any origin. */
export function publicApiRoutes(ctx: Context): Router {
  const router = Router();
  router.use('/api', openForReading, publicCache(CACHE_SECONDS));

  router.get('/api/letters/:slug', async (req, res) => {
    const summary = await summariseLetter(ctx, param(req, 'slug'));
    const url = `${ctx.config.baseUrl}/letters/${summary.letter.slug}`;
    res.json({
      slug: summary.letter.slug,
      title: summary.letter.title,
      summary: summary.letter.summary,
      status: summary.status,
      acceptingSignatures: summary.accepting,
      url,
      counts: { signatures: summary.count, listed: summary.listed },
      organisations: summary.breakdown,
      version: { number: summary.version.number, sha256: summary.version.sha256, publishedAt: summary.version.publishedAt.toISOString() },
      signatoriesUrl: `${ctx.config.baseUrl}/api/letters/${summary.letter.slug}/signatories`,
    });
  });

  router.get('/api/letters/:slug/signatories', async (req, res) => {
    const query = parseListQuery(req.query);
    const model = await browseSignatories(ctx, param(req, 'slug'), query, API_PAGE_SIZE);
    const path = `/api/letters/${model.letter.slug}/signatories`;
    res.json({
      letter: { slug: model.letter.slug, title: model.letter.title, counts: { signatures: model.count, listed: model.listed } },
      featured: model.featured.map(signatoryJson),
      signatories: model.signatories.map(signatoryJson),
      // A search reads a bounded window per request: a short page with `next` means "keep following".
      searchIncomplete: model.searchIncomplete,
      nextCursor: model.nextCursor === null ? null : String(model.nextCursor),
      next: model.nextCursor === null ? null : `${ctx.config.baseUrl}${listHref(path, query, model.nextCursor)}`,
    });
  });

  return router;
}

import { Router } from 'express';
import type { Context } from '../context.js';
import { summariseLetter } from '../signatures/browse-signatories.js';
import { publicCache } from '../web/cors.js';
import { param } from '../web/params.js';
import { renderPage, sendPage } from '../web/render.js';
import { allowFramingByAnySite } from '../web/security.js';
import { renderLetterPage } from './letter-page.js';
import { findPublicLetter, listOpenLetters, signatureCount } from './service.js';
import { compareVersions, describeVersion, describeVersionHistory, parseVersionRef } from './versions.js';
import { textValue } from '../web/forms.js';

export function letterRoutes(ctx: Context): Router {
  const router = Router();

  router.get('/', (_req, res) => {
    const letters = listOpenLetters(ctx.db, ctx.now()).map((letter) => ({ letter, count: signatureCount(letter) }));
    renderPage(res, 'letters/index', { title: 'Open letters', letters });
  });

  router.get('/letters/:slug', (req, res) => {
    sendPage(res, renderLetterPage(ctx, param(req, 'slug')));
  });

  router.get('/letters/:slug/versions', (req, res) => {
    const slug = param(req, 'slug');
    const from = textValue(req.query.from);
    const to = textValue(req.query.to);
    // The compare form is a plain GET form; its answer lives at one canonical address.
    if (from && to) {
      const { from: a } = parseVersionRef(from);
      const { from: b } = parseVersionRef(to);
      return res.redirect(303, `/letters/${encodeURIComponent(slug)}/versions/${a}..${b}`);
    }
    const history = describeVersionHistory(ctx.db, slug);
    renderPage(res, 'letters/versions', { title: `Revision history: ${history.letter.title}`, ...history });
  });

  router.get('/letters/:slug/versions/:ref', (req, res) => {
    const slug = param(req, 'slug');
    const ref = parseVersionRef(param(req, 'ref'));
    if (ref.to === undefined) {
      const page = describeVersion(ctx.db, slug, ref.from);
      return renderPage(res, 'letters/version', { title: `Version ${page.version.number}: ${page.letter.title}`, ...page });
    }
    const comparison = compareVersions(ctx.db, slug, ref.from, ref.to);
    renderPage(res, 'letters/version-diff', { title: `Changes from version ${ref.from} to ${ref.to}: ${comparison.letter.title}`, ...comparison });
  });

  // The one page other sites may frame: a counter with a link that opens the letter in a new tab.
  router.get('/letters/:slug/embed', allowFramingByAnySite(ctx.config), publicCache(60), (req, res) => {
    const summary = summariseLetter(ctx, param(req, 'slug'));
    renderPage(res, 'letters/embed', { ...summary, title: summary.letter.title, letterUrl: `${ctx.config.baseUrl}/letters/${summary.letter.slug}` });
  });

  // Polled by public/live-count.js; tiny and uncached so an open page shows new signatures.
  router.get('/letters/:slug/count.json', (req, res) => {
    const { letter } = findPublicLetter(ctx.db, param(req, 'slug'));
    res.setHeader('Cache-Control', 'no-cache');
    res.json({ count: signatureCount(letter) });
  });

  return router;
}

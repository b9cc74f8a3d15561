import { Router } from 'express';
import type { Context } from '../context.js';
import { param } from '../web/params.js';
import { renderPage } from '../web/render.js';
import { findPublicLetter, listOpenLetters } from './find-letter.js';
import { signatureCount } from './letter-status.js';
import { compareVersions, describeVersion, describeVersionHistory, parseVersionRef } from './versions.js';
import { textValue } from '../web/forms.js';

export function letterRoutes(ctx: Context): Router {
  const router = Router();

  router.get('/', (_req, res) => {
    const letters = listOpenLetters(ctx.db, ctx.now()).map((letter) => ({ letter, count: signatureCount(letter) }));
    renderPage(res, 'letters/index', { title: 'Open letters', letters });
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

  // Polled by public/live-count.js; tiny and uncached so an open page shows new signatures.
  router.get('/letters/:slug/count.json', (req, res) => {
    const letter = findPublicLetter(ctx.db, param(req, 'slug'));
    res.setHeader('Cache-Control', 'no-cache');
    res.json({ count: signatureCount(letter) });
  });

  return router;
}

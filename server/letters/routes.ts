import { Router, type Request, type Response } from 'express';
import type { Context } from '../context.js';
import { param } from '../web/params.js';
import { renderPage, wordsOf } from '../web/render.js';
import { answerInLetterLanguage } from '../web/language.js';
import { findPublicLetter, listOpenLetters } from './find-letter.js';
import { signatureCount } from './letter-status.js';
import { letterLanguages } from './translations.js';
import { compareVersions, describeVersion, describeVersionHistory, parseVersionRef } from './versions.js';
import { textValue } from '../web/forms.js';
import type { PublicLetterRow } from './table.js';

/** The language of a page of a letter's history, chosen among the letter's. */
const historyLanguage = (req: Request, res: Response, letter: PublicLetterRow): string => answerInLetterLanguage(req, res, letterLanguages(letter));

export function letterRoutes(ctx: Context): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    const letters = (await listOpenLetters(ctx.db, ctx.now())).map((letter) => ({ letter, count: signatureCount(letter) }));
    renderPage(res, 'letters/index', { title: wordsOf(res)('home.title'), letters });
  });

  router.get('/letters/:slug/versions', async (req, res) => {
    const slug = param(req, 'slug');
    const from = textValue(req.query.from);
    const to = textValue(req.query.to);
    // The compare form is a plain GET form; its answer lives at one canonical address.
    if (from && to) {
      const { from: a } = parseVersionRef(from);
      const { from: b } = parseVersionRef(to);
      const lang = textValue(req.query.lang);
      return res.redirect(303, `/letters/${encodeURIComponent(slug)}/versions/${a}..${b}${lang && /^[a-zA-Z-]{2,8}$/.test(lang) ? `?lang=${lang}` : ''}`);
    }
    const letter = await findPublicLetter(ctx.db, slug);
    const history = await describeVersionHistory(ctx.db, letter, historyLanguage(req, res, letter));
    renderPage(res, 'letters/versions', { title: wordsOf(res)('versions.pageTitle', { title: history.text.title }), ...history });
  });

  router.get('/letters/:slug/versions/:ref', async (req, res) => {
    const letter = await findPublicLetter(ctx.db, param(req, 'slug'));
    const ref = parseVersionRef(param(req, 'ref'));
    const lang = historyLanguage(req, res, letter);
    const t = wordsOf(res);
    if (ref.to === undefined) {
      const page = await describeVersion(ctx.db, letter, lang, ref.from);
      return renderPage(res, 'letters/version', { title: t('versions.versionTitle', { number: page.version.number, title: page.version.title }), ...page });
    }
    const comparison = await compareVersions(ctx.db, letter, lang, ref.from, ref.to);
    renderPage(res, 'letters/version-diff', { title: t('diff.pageTitle', { from: ref.from, to: ref.to, title: comparison.to.title }), ...comparison, text: comparison.to });
  });

  // Polled by public/live-count.js; tiny and uncached so an open page shows new signatures.
  router.get('/letters/:slug/count.json', async (req, res) => {
    const letter = await findPublicLetter(ctx.db, param(req, 'slug'));
    res.setHeader('Cache-Control', 'no-cache');
    res.json({ count: signatureCount(letter) });
  });

  return router;
}

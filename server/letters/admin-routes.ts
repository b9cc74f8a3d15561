import { Router, type Response } from 'express';
import type { Context } from '../context.js';
import { renderMarkdown } from '../lib/markdown.js';
import { AppError } from '../web/errors.js';
import { fieldErrorOf, parseForm, textValue, type FieldErrors } from '../web/forms.js';
import { param } from '../web/params.js';
import { renderPage } from '../web/render.js';
import { LETTER_FIELDS, letterForm, letterFormValues, letterSettingsFrom, letterStatusForm } from './admin-forms.js';
import { changeLetterStatus, startLetter, updateLetter } from './manage-letter.js';
import { findLetter } from './find-letter.js';
import { listAllLetters, listVersions } from './repo.js';
import { effectiveStatus, signatureCount } from './letter-status.js';
import type { LetterRow } from './table.js';
import { EXPORT_STATES } from '../exports/index.js';
import { countOutboxByState } from '../mail/index.js';
import { actorFrom, currentOrganiser, requireOrganiser } from '../organisers/index.js';

interface LetterFormPage {
  letter?: LetterRow;
  values: Record<string, string>;
  errors: FieldErrors;
  previewHtml?: string;
}

function renderLetterForm(res: Response, page: LetterFormPage, status = 200): void {
  const editing = page.letter !== undefined;
  const heading = editing ? `Edit: ${page.letter?.title}` : 'New letter';
  const title = Object.keys(page.errors).length > 0 ? `Error: ${heading}` : heading;
  renderPage(res, 'letters/admin/form', { title, heading, ...page }, status);
}

/** Dashboard and letter management for organisers. Viewers may look; only owners change letters. */
export function letterAdminRoutes(ctx: Context): Router {
  const router = Router();
  const anyOrganiser = requireOrganiser(ctx, 'viewer');
  const owner = requireOrganiser(ctx, 'owner');

  router.get('/admin', anyOrganiser, async (_req, res) => {
    const now = ctx.now();
    const letters = (await listAllLetters(ctx.db)).map((letter) => ({ letter, status: effectiveStatus(letter, now), count: signatureCount(letter) }));
    renderPage(res, 'letters/admin/dashboard', { title: 'Dashboard', letters, outbox: await countOutboxByState(ctx.db), mailOutage: ctx.mailOutage(), mailWorker: ctx.mailWorkerState() });
  });

  router.get('/admin/letters', anyOrganiser, async (_req, res) => {
    const now = ctx.now();
    const letters = (await listAllLetters(ctx.db)).map((letter) => ({ letter, status: effectiveStatus(letter, now) }));
    renderPage(res, 'letters/admin/index', { title: 'Letters', letters });
  });

  router.get('/admin/letters/new', owner, (_req, res) => {
    renderLetterForm(res, { values: { moderation: 'pre' }, errors: {} });
  });

  router.post('/admin/letters', owner, async (req, res) => {
    const parsed = parseForm(letterForm, req.body, LETTER_FIELDS);
    const previewHtml = textValue(req.body?.intent) === 'preview' ? renderMarkdown(textValue(req.body?.body) ?? '') : undefined;
    if (!parsed.ok) return renderLetterForm(res, { values: parsed.values, errors: parsed.errors, previewHtml }, 422);
    if (previewHtml !== undefined) return renderLetterForm(res, { values: formValues(req.body), errors: {}, previewHtml });
    try {
      const letter = await startLetter(ctx, letterSettingsFrom(parsed.data), actorFrom(currentOrganiser(res)));
      res.redirect(303, `/admin/letters/${letter.slug}`);
    } catch (error) {
      const refused = fieldErrorOf(error);
      if (!refused) throw error;
      renderLetterForm(res, { values: formValues(req.body), errors: refused.errors }, refused.status);
    }
  });

  router.get('/admin/letters/:slug', anyOrganiser, async (req, res) => {
    const letter = await findLetter(ctx.db, param(req, 'slug'));
    const versions = (await listVersions(ctx.db, letter.id, letter.lang)).reverse();
    const published = Number(textValue(req.query.published));
    renderPage(res, 'letters/admin/show', {
      title: letter.title,
      letter,
      versions,
      status: effectiveStatus(letter, ctx.now()),
      count: signatureCount(letter),
      publishedVersion: Number.isSafeInteger(published) && published > 0 ? published : undefined,
      exportStates: EXPORT_STATES,
    });
  });

  router.get('/admin/letters/:slug/edit', owner, async (req, res) => {
    const letter = await findLetter(ctx.db, param(req, 'slug'));
    renderLetterForm(res, { letter, values: letterFormValues(letter), errors: {} });
  });

  router.post('/admin/letters/:slug', owner, async (req, res) => {
    const letter = await findLetter(ctx.db, param(req, 'slug'));
    const parsed = parseForm(letterForm, req.body, LETTER_FIELDS);
    const values: Record<string, string> = { ...formValues(req.body), slug: textValue(req.body?.slug) ?? letter.slug };
    const previewHtml = textValue(req.body?.intent) === 'preview' ? renderMarkdown(values.body ?? '') : undefined;
    if (!parsed.ok) return renderLetterForm(res, { letter, values, errors: parsed.errors, previewHtml }, 422);
    if (previewHtml !== undefined) return renderLetterForm(res, { letter, values, errors: {}, previewHtml });
    try {
      const result = await updateLetter(ctx, letter.slug, letterSettingsFrom(parsed.data), actorFrom(currentOrganiser(res)));
      res.redirect(303, `/admin/letters/${result.letter.slug}${result.publishedNewVersion ? `?published=${result.version.number}` : ''}`);
    } catch (error) {
      const refused = fieldErrorOf(error);
      if (!refused) throw error;
      renderLetterForm(res, { letter, values, errors: refused.errors }, refused.status);
    }
  });

  router.post('/admin/letters/:slug/status', owner, async (req, res) => {
    const parsed = parseForm(letterStatusForm, req.body, ['status']);
    if (!parsed.ok) throw new AppError('invalid_form', 422, parsed.errors.status ?? 'Choose open or closed');
    const letter = await changeLetterStatus(ctx, param(req, 'slug'), parsed.data.status, actorFrom(currentOrganiser(res)));
    res.redirect(303, `/admin/letters/${letter.slug}`);
  });

  return router;
}

/** The submitted values as typed, to refill the form. */
const formValues = (body: unknown): Record<string, string> => {
  const source = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  return Object.fromEntries(LETTER_FIELDS.map((field) => [field, textValue(source[field]) ?? '']));
};

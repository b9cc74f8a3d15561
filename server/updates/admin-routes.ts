import { Router, type Response } from 'express';
import type { Context } from '../context.js';
import { formValues, parseForm, type FieldErrors } from '../web/forms.js';
import { notFound } from '../web/errors.js';
import { param } from '../web/params.js';
import { renderPage } from '../web/render.js';
import { shownForm, UPDATE_FIELD_MAX, UPDATE_FIELDS, updateForm, updateIdOf } from './forms.js';
import { changeDraft, draftUpdate, listUpdates, sendUpdate, showOnLetter, viewUpdate } from './manage-updates.js';
import { renderMarkdown } from '../lib/markdown.js';
import { actorFrom, currentOrganiser, hasRole, requireOrganiser } from '../organisers/index.js';

interface FormState {
  values: Record<string, string>;
  errors: FieldErrors;
}

const EMPTY: FormState = { values: {}, errors: {} };
const updatesPath = (slug: string): string => `/admin/letters/${slug}/updates`;
const titled = (heading: string, form: FormState): string => (Object.keys(form.errors).length > 0 ? `Error: ${heading}` : heading);
function idOf(raw: string): number {
  const id = updateIdOf(raw);
  if (id === undefined) throw notFound('update');
  return id;
}
const DONE = ['sent', 'already-sent', 'saved', 'shown', 'hidden'];

/**
 * Updates to the signers who asked for them. Every organiser sees them; owners write, preview and
 * send them (the whole of /admin posts carry a CSRF token: see app.ts).
 */
export function updateAdminRoutes(ctx: Context): Router {
  const router = Router();
  const anyOrganiser = requireOrganiser(ctx, 'viewer');
  const owner = requireOrganiser(ctx, 'owner');

  async function renderList(res: Response, slug: string, form: FormState = EMPTY, status = 200, done?: string): Promise<void> {
    const { letter, updates } = await listUpdates(ctx, slug);
    renderPage(res, 'updates/index', { title: titled(`Updates: ${letter.title}`, form), letter, updates, form, done, maxChars: UPDATE_FIELD_MAX, canSend: hasRole(currentOrganiser(res), 'owner') }, status);
  }

  async function renderPreview(res: Response, slug: string, id: number, form?: FormState, status = 200, done?: string): Promise<void> {
    const view = await viewUpdate(ctx, slug, id);
    const state = form ?? { values: { subject: view.update.subject, body: view.update.body, showOnLetter: view.update.showOnLetter ? 'yes' : 'no' }, errors: {} };
    renderPage(res, 'updates/show', {
      title: titled(`Update: ${view.update.subject}`, state),
      ...view,
      bodyHtml: renderMarkdown(view.update.body),
      form: state,
      done,
      maxChars: UPDATE_FIELD_MAX,
      canSend: hasRole(currentOrganiser(res), 'owner'),
    }, status);
  }

  const doneOf = (raw: unknown): string | undefined => (typeof raw === 'string' && DONE.includes(raw) ? raw : undefined);

  router.get('/admin/letters/:slug/updates', anyOrganiser, async (req, res) => {
    await renderList(res, param(req, 'slug'), EMPTY, 200, doneOf(req.query.done));
  });

  router.post('/admin/letters/:slug/updates', owner, async (req, res) => {
    const slug = param(req, 'slug');
    const parsed = parseForm(updateForm, req.body, UPDATE_FIELDS);
    if (!parsed.ok) return renderList(res, slug, parsed, 422);
    const update = await draftUpdate(ctx, slug, parsed.data, actorFrom(currentOrganiser(res)));
    res.redirect(303, `${updatesPath(slug)}/${update.id}`);
  });

  router.get('/admin/letters/:slug/updates/:id', anyOrganiser, async (req, res) => {
    await renderPreview(res, param(req, 'slug'), idOf(param(req, 'id')), undefined, 200, doneOf(req.query.done));
  });

  router.post('/admin/letters/:slug/updates/:id', owner, async (req, res) => {
    const slug = param(req, 'slug');
    const id = idOf(param(req, 'id'));
    const parsed = parseForm(updateForm, req.body, UPDATE_FIELDS);
    if (!parsed.ok) return renderPreview(res, slug, id, { values: formValues(req.body, UPDATE_FIELDS), errors: parsed.errors }, 422);
    await changeDraft(ctx, slug, id, parsed.data, actorFrom(currentOrganiser(res)));
    res.redirect(303, `${updatesPath(slug)}/${id}?done=saved`);
  });

  // The confirmation step is the preview page: Send is its own form there, showing how many it goes to.
  router.post('/admin/letters/:slug/updates/:id/send', owner, async (req, res) => {
    const slug = param(req, 'slug');
    const id = idOf(param(req, 'id'));
    const sentNow = await sendUpdate(ctx, slug, id, actorFrom(currentOrganiser(res)));
    res.redirect(303, `${updatesPath(slug)}/${id}?done=${sentNow ? 'sent' : 'already-sent'}`);
  });

  router.post('/admin/letters/:slug/updates/:id/shown', owner, async (req, res) => {
    const slug = param(req, 'slug');
    const id = idOf(param(req, 'id'));
    const parsed = parseForm(shownForm, req.body, ['shown']);
    const shown = parsed.ok && parsed.data.shown;
    await showOnLetter(ctx, slug, id, shown, actorFrom(currentOrganiser(res)));
    res.redirect(303, `${updatesPath(slug)}?done=${shown ? 'shown' : 'hidden'}`);
  });

  return router;
}

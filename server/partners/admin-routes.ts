import { Router, type Response } from 'express';
import type { Context } from '../context.js';
import { fieldErrorOf, formValues, parseForm, type FieldErrors } from '../web/forms.js';
import { param } from '../web/params.js';
import { renderPage } from '../web/render.js';
import { PARTNER_FIELDS, partnerForm, partnerIdParam } from './forms.js';
import { addPartner, changePartner, removePartner } from './manage-partners.js';
import { findPartner, listPartners, type Partner } from './partners.js';
import { findLetter } from '../letters/index.js';
import { actorFrom, currentOrganiser, hasRole, requireOrganiser } from '../organisers/index.js';

interface FormState {
  values: Record<string, string>;
  errors: FieldErrors;
}

const EMPTY: FormState = { values: {}, errors: {} };
const titled = (heading: string, form: FormState): string => (Object.keys(form.errors).length > 0 ? `Error: ${heading}` : heading);
const partnersPath = (slug: string): string => `/admin/letters/${slug}/partners`;

/** The addresses a partner shares: its link, its counter and its sign form to frame. */
const partnerLinks = (ctx: Context, slug: string, partner: Partner) => {
  const letterUrl = `${ctx.config.baseUrl}/letters/${slug}`;
  return { link: `${letterUrl}?ref=${partner.ref}`, counter: `${letterUrl}/embed?ref=${partner.ref}`, signForm: `${letterUrl}/embed/sign?ref=${partner.ref}` };
};

/** A letter's partners: owners register, change and remove them; every organiser sees them. */
export function partnerAdminRoutes(ctx: Context): Router {
  const router = Router();
  const anyOrganiser = requireOrganiser(ctx, 'viewer');
  const owner = requireOrganiser(ctx, 'owner');

  async function renderList(res: Response, slug: string, form: FormState = EMPTY, status = 200, done?: string): Promise<void> {
    const letter = await findLetter(ctx.db, slug);
    const partners = (await listPartners(ctx.db, letter.id)).map((partner) => ({ ...partner, links: partnerLinks(ctx, letter.slug, partner) }));
    renderPage(res, 'partners/index', { title: titled(`Partners: ${letter.title}`, form), letter, partners, form, done, canChange: hasRole(currentOrganiser(res), 'owner') }, status);
  }

  async function renderEdit(res: Response, slug: string, id: number, form?: FormState, status = 200): Promise<void> {
    const letter = await findLetter(ctx.db, slug);
    const partner = await findPartner(ctx.db, letter.id, id);
    const state = form ?? { values: { name: partner.name, ref: partner.ref, origins: partner.origins.join('\n') }, errors: {} };
    renderPage(res, 'partners/edit', { title: titled(`Edit partner: ${partner.name}`, state), letter, partner, form: state }, status);
  }

  router.get('/admin/letters/:slug/partners', anyOrganiser, async (req, res) => {
    const done = typeof req.query.done === 'string' && ['added', 'changed', 'removed'].includes(req.query.done) ? req.query.done : undefined;
    await renderList(res, param(req, 'slug'), EMPTY, 200, done);
  });

  router.post('/admin/letters/:slug/partners', owner, async (req, res) => {
    const slug = param(req, 'slug');
    const parsed = parseForm(partnerForm, req.body, PARTNER_FIELDS);
    if (!parsed.ok) return renderList(res, slug, parsed, 422);
    try {
      await addPartner(ctx, slug, parsed.data, actorFrom(currentOrganiser(res)));
    } catch (error) {
      const refused = fieldErrorOf(error);
      if (!refused) throw error;
      return renderList(res, slug, { values: formValues(req.body, PARTNER_FIELDS), errors: refused.errors }, refused.status);
    }
    res.redirect(303, `${partnersPath(slug)}?done=added`);
  });

  router.get('/admin/letters/:slug/partners/:id', owner, async (req, res) => {
    await renderEdit(res, param(req, 'slug'), partnerIdParam(param(req, 'id')));
  });

  router.post('/admin/letters/:slug/partners/:id', owner, async (req, res) => {
    const slug = param(req, 'slug');
    const id = partnerIdParam(param(req, 'id'));
    const parsed = parseForm(partnerForm, req.body, PARTNER_FIELDS);
    if (!parsed.ok) return renderEdit(res, slug, id, parsed, 422);
    try {
      await changePartner(ctx, slug, id, parsed.data, actorFrom(currentOrganiser(res)));
    } catch (error) {
      const refused = fieldErrorOf(error);
      if (!refused) throw error;
      return renderEdit(res, slug, id, { values: formValues(req.body, PARTNER_FIELDS), errors: refused.errors }, refused.status);
    }
    res.redirect(303, `${partnersPath(slug)}?done=changed`);
  });

  router.post('/admin/letters/:slug/partners/:id/delete', owner, async (req, res) => {
    const slug = param(req, 'slug');
    await removePartner(ctx, slug, partnerIdParam(param(req, 'id')), actorFrom(currentOrganiser(res)));
    res.redirect(303, `${partnersPath(slug)}?done=removed`);
  });

  return router;
}

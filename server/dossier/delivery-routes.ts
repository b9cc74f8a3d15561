import { Router, type Response } from 'express';
import type { Context } from '../context.js';
import { parseForm, type FieldErrors } from '../web/forms.js';
import { param } from '../web/params.js';
import { renderPage } from '../web/render.js';
import { findLetter } from '../letters/index.js';
import { actorFrom, currentOrganiser, hasRole, requireOrganiser } from '../organisers/index.js';
import { deliveryFormValues, findDelivery, recordDelivery, removeDelivery } from './delivery.js';
import { DELIVERY_FIELDS, deliveryForm } from './delivery-forms.js';

interface FormState {
  values: Record<string, string>;
  errors: FieldErrors;
}

const deliveryPath = (slug: string): string => `/admin/letters/${slug}/delivery`;
const DONE = ['saved', 'removed'];
const DAY_FIELDS = ['deliveredOn', 'responseOn'];

const withoutBadDays = (values: Record<string, string>, errors: FieldErrors): Record<string, string> =>
  Object.fromEntries(Object.entries(values).map(([field, value]) => [field, DAY_FIELDS.includes(field) && errors[field] ? '' : value]));

/** Where the letter went: owners record its delivery and the recipient's response; every organiser sees them. */
export function deliveryAdminRoutes(ctx: Context): Router {
  const router = Router();
  const anyOrganiser = requireOrganiser(ctx, 'viewer');
  const owner = requireOrganiser(ctx, 'owner');

  async function renderDelivery(res: Response, slug: string, form?: FormState, status = 200, done?: string): Promise<void> {
    const letter = await findLetter(ctx.db, slug);
    const state = form ?? { values: await deliveryFormValues(ctx.db, letter.id), errors: {} };
    const heading = `Delivery: ${letter.title}`;
    renderPage(
      res,
      'dossier/delivery',
      { title: Object.keys(state.errors).length > 0 ? `Error: ${heading}` : heading, letter, delivery: await findDelivery(ctx.db, letter.id), form: state, done, canChange: hasRole(currentOrganiser(res), 'owner') },
      status,
    );
  }

  router.get('/admin/letters/:slug/delivery', anyOrganiser, async (req, res) => {
    const done = typeof req.query.done === 'string' && DONE.includes(req.query.done) ? req.query.done : undefined;
    await renderDelivery(res, param(req, 'slug'), undefined, 200, done);
  });

  router.post('/admin/letters/:slug/delivery', owner, async (req, res) => {
    const slug = param(req, 'slug');
    const parsed = parseForm(deliveryForm, req.body, DELIVERY_FIELDS);
    // A date field echoes only a real day: HTML's date input takes no other value.
    if (!parsed.ok) return renderDelivery(res, slug, { errors: parsed.errors, values: withoutBadDays(parsed.values, parsed.errors) }, 422);
    await recordDelivery(ctx, slug, parsed.data, actorFrom(currentOrganiser(res)));
    res.redirect(303, `${deliveryPath(slug)}?done=saved`);
  });

  router.post('/admin/letters/:slug/delivery/delete', owner, async (req, res) => {
    const slug = param(req, 'slug');
    await removeDelivery(ctx, slug, actorFrom(currentOrganiser(res)));
    res.redirect(303, `${deliveryPath(slug)}?done=removed`);
  });

  return router;
}

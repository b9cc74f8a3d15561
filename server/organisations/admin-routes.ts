import { Router, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import type { Context } from '../context.js';
import { parseForm, textValue, type FieldErrors } from '../web/forms.js';
import { param } from '../web/params.js';
import { renderPage } from '../web/render.js';
import {
  aliasForm,
  CREATE_FIELDS,
  createOrganisationForm,
  describeOrganisationOutcome,
  domainsForm,
  MERGE_FIELDS,
  mergeForm,
  organisationIdParam,
  refusalAsFieldError,
  renameForm,
} from './admin-forms.js';
import { describeOrganisation, listOrganisationsWithCounts, previewMerge } from './overview.js';
import { addAlias } from './add-alias.js';
import { createOrganisation } from './create-organisation.js';
import { mergeOrganisations } from './merge-organisations.js';
import { renameOrganisation } from './rename-organisation.js';
import { setOrganisationDomains } from './set-organisation-domains.js';
import { actorFrom, currentOrganiser, hasRole, requireOrganiser } from '../organisers/index.js';

interface FormState {
  values: Record<string, string>;
  errors: FieldErrors;
}

const EMPTY: FormState = { values: {}, errors: {} };
const titled = (heading: string, errors: FieldErrors): string => (Object.keys(errors).length > 0 ? `Error: ${heading}` : heading);

async function renderIndex(ctx: Context, res: Response, forms: { create?: FormState; merge?: FormState } = {}, status = 200): Promise<void> {
  const create = forms.create ?? EMPTY;
  const merge = forms.merge ?? EMPTY;
  const organisations = await listOrganisationsWithCounts(ctx.db);
  renderPage(res, 'organisations/admin/index', {
    title: titled('Organisations', { ...create.errors, ...merge.errors }),
    organisations,
    canChange: hasRole(currentOrganiser(res), 'moderator'),
    create,
    merge,
  }, status);
}

async function renderOrganisation(ctx: Context, res: Response, id: number, form: FormState = EMPTY, status = 200, outcome?: string): Promise<void> {
  const organisation = await describeOrganisation(ctx.db, id);
  renderPage(res, 'organisations/admin/show', {
    title: titled(organisation.name, form.errors),
    organisation,
    canChange: hasRole(currentOrganiser(res), 'moderator'),
    values: form.values,
    errors: form.errors,
    outcome,
  }, status);
}

/**
 * Canonical organisations, their aliases and verified domains. Every organiser may read them;
 * moderators and owners change them (each change is audited by the service).
 */
export function organisationAdminRoutes(ctx: Context): Router {
  const router = Router();
  const anyOrganiser = requireOrganiser(ctx, 'viewer');
  const moderator = requireOrganiser(ctx, 'moderator');
  const actor = (res: Response) => actorFrom(currentOrganiser(res));

  // `?keep=ID` comes from an organisation's page: the merge form starts with it chosen.
  router.get('/admin/organisations', anyOrganiser, (req, res) => renderIndex(ctx, res, { merge: { values: { keep: textValue(req.query.keep) ?? '' }, errors: {} } }));

  router.post('/admin/organisations', moderator, async (req, res) => {
    const parsed = parseForm(createOrganisationForm, req.body, CREATE_FIELDS);
    const values = Object.fromEntries(CREATE_FIELDS.map((field) => [field, textValue(req.body?.[field]) ?? '']));
    if (!parsed.ok) return renderIndex(ctx, res, { create: parsed }, 422);
    try {
      const organisation = await createOrganisation(ctx, { ...parsed.data, actor: actor(res) });
      res.redirect(303, `/admin/organisations/${organisation.id}?done=created`);
    } catch (error) {
      const refused = refusalAsFieldError(error);
      await renderIndex(ctx, res, { create: { values, errors: refused.errors } }, refused.status);
    }
  });

  router.get('/admin/organisations/merge', moderator, async (req, res) => {
    const parsed = parseForm(mergeForm, req.query, MERGE_FIELDS);
    if (!parsed.ok) return renderIndex(ctx, res, { merge: parsed }, 422);
    try {
      const preview = await previewMerge(ctx.db, parsed.data.keep, parsed.data.remove);
      renderPage(res, 'organisations/admin/merge', { title: `Merge ${preview.remove.name} into ${preview.keep.name}`, ...preview });
    } catch (error) {
      await renderMergeRefusal(ctx, res, parsed.data, error);
    }
  });

  router.post('/admin/organisations/merge', moderator, async (req, res) => {
    const parsed = parseForm(mergeForm, req.body, MERGE_FIELDS);
    if (!parsed.ok) return renderIndex(ctx, res, { merge: parsed }, 422);
    try {
      const result = await mergeOrganisations(ctx, { keepId: parsed.data.keep, removeId: parsed.data.remove, actor: actor(res) });
      res.redirect(303, `/admin/organisations/${result.organisation.id}?done=merged&moved=${result.signaturesMoved}`);
    } catch (error) {
      await renderMergeRefusal(ctx, res, parsed.data, error);
    }
  });

  router.get('/admin/organisations/:id', anyOrganiser, async (req, res) => {
    await renderOrganisation(ctx, res, organisationIdParam(param(req, 'id')), EMPTY, 200, describeOrganisationOutcome(req.query));
  });

  router.post('/admin/organisations/:id/name', moderator, changeOfOrganisation(ctx, renameForm, 'name', async (id, form, res) => {
    await renameOrganisation(ctx, { id, name: form.name, actor: actor(res) });
    return 'done=renamed';
  }));

  router.post('/admin/organisations/:id/aliases', moderator, changeOfOrganisation(ctx, aliasForm, 'alias', async (id, form, res) => {
    const { linked } = await addAlias(ctx, { id, alias: form.alias, actor: actor(res) });
    return `done=alias&linked=${linked}`;
  }));

  router.post('/admin/organisations/:id/domains', moderator, changeOfOrganisation(ctx, domainsForm, 'domains', async (id, form, res) => {
    const { verified, unverified } = await setOrganisationDomains(ctx, { id, domains: form.domains, actor: actor(res) });
    return `done=domains&verified=${verified}&unverified=${unverified}`;
  }));

  return router;
}

/**
 * A one-field form on an organisation's page: parse it, make the change, and go back to the page
 * with the outcome (`change` returns its query); a refusal comes back next to the field, as typed.
 */
function changeOfOrganisation<S extends z.ZodType>(ctx: Context, schema: S, field: string, change: (id: number, form: z.infer<S>, res: Response) => Promise<string>): RequestHandler {
  return async (req, res) => {
    const id = organisationIdParam(param(req, 'id'));
    const parsed = parseForm(schema, req.body, [field]);
    if (!parsed.ok) return renderOrganisation(ctx, res, id, parsed, 422);
    try {
      res.redirect(303, `/admin/organisations/${id}?${await change(id, parsed.data, res)}`);
    } catch (error) {
      const refused = refusalAsFieldError(error, field);
      await renderOrganisation(ctx, res, id, { values: { [field]: textValue(req.body?.[field]) ?? '' }, errors: refused.errors }, refused.status);
    }
  };
}

function renderMergeRefusal(ctx: Context, res: Response, ids: { keep: number; remove: number }, error: unknown): Promise<void> {
  const refused = refusalAsFieldError(error);
  return renderIndex(ctx, res, { merge: { values: { keep: String(ids.keep), remove: String(ids.remove) }, errors: refused.errors } }, refused.status);
}

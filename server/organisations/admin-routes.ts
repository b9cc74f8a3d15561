import { Router, type Response } from 'express';
import type { Context } from '../context.js';
import { actorFrom, currentOrganiser, hasRole, requireOrganiser } from '../organisers/access.js';
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
import { addAlias, createOrganisation, mergeOrganisations, renameOrganisation, setOrganisationDomains } from './service.js';

interface FormState {
  values: Record<string, string>;
  errors: FieldErrors;
}

const EMPTY: FormState = { values: {}, errors: {} };
const titled = (heading: string, errors: FieldErrors): string => (Object.keys(errors).length > 0 ? `Error: ${heading}` : heading);

function renderIndex(ctx: Context, res: Response, forms: { create?: FormState; merge?: FormState } = {}, status = 200): void {
  const create = forms.create ?? EMPTY;
  const merge = forms.merge ?? EMPTY;
  renderPage(res, 'organisations/admin/index', {
    title: titled('Organisations', { ...create.errors, ...merge.errors }),
    organisations: listOrganisationsWithCounts(ctx.db),
    canChange: hasRole(currentOrganiser(res), 'moderator'),
    create,
    merge,
  }, status);
}

function renderOrganisation(ctx: Context, res: Response, id: number, form: FormState = EMPTY, status = 200, outcome?: string): void {
  const organisation = describeOrganisation(ctx.db, id);
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

  router.post('/admin/organisations', moderator, (req, res) => {
    const parsed = parseForm(createOrganisationForm, req.body, CREATE_FIELDS);
    const values = Object.fromEntries(CREATE_FIELDS.map((field) => [field, textValue(req.body?.[field]) ?? '']));
    if (!parsed.ok) return renderIndex(ctx, res, { create: parsed }, 422);
    try {
      const organisation = createOrganisation(ctx, { ...parsed.data, actor: actor(res) });
      res.redirect(303, `/admin/organisations/${organisation.id}?done=created`);
    } catch (error) {
      const refused = refusalAsFieldError(error);
      renderIndex(ctx, res, { create: { values, errors: refused.errors } }, refused.status);
    }
  });

  router.get('/admin/organisations/merge', moderator, (req, res) => {
    const parsed = parseForm(mergeForm, req.query, MERGE_FIELDS);
    if (!parsed.ok) return renderIndex(ctx, res, { merge: parsed }, 422);
    try {
      const preview = previewMerge(ctx.db, parsed.data.keep, parsed.data.remove);
      renderPage(res, 'organisations/admin/merge', { title: `Merge ${preview.remove.name} into ${preview.keep.name}`, ...preview });
    } catch (error) {
      renderMergeRefusal(ctx, res, parsed.data, error);
    }
  });

  router.post('/admin/organisations/merge', moderator, (req, res) => {
    const parsed = parseForm(mergeForm, req.body, MERGE_FIELDS);
    if (!parsed.ok) return renderIndex(ctx, res, { merge: parsed }, 422);
    try {
      const result = mergeOrganisations(ctx, { keepId: parsed.data.keep, removeId: parsed.data.remove, actor: actor(res) });
      res.redirect(303, `/admin/organisations/${result.organisation.id}?done=merged&moved=${result.signaturesMoved}`);
    } catch (error) {
      renderMergeRefusal(ctx, res, parsed.data, error);

    }
  });

  router.get('/admin/organisations/:id', anyOrganiser, (req, res) => {
    renderOrganisation(ctx, res, organisationIdParam(param(req, 'id')), EMPTY, 200, describeOrganisationOutcome(req.query));
  });

  router.post('/admin/organisations/:id/name', moderator, (req, res) => {
    const id = organisationIdParam(param(req, 'id'));
    const parsed = parseForm(renameForm, req.body, ['name']);
    if (!parsed.ok) return renderOrganisation(ctx, res, id, parsed, 422);
    try {
      renameOrganisation(ctx, { id, name: parsed.data.name, actor: actor(res) });
      res.redirect(303, `/admin/organisations/${id}?done=renamed`);
    } catch (error) {
      renderRefusal(ctx, res, id, error, 'name', parsed.data.name);
    }
  });

  router.post('/admin/organisations/:id/aliases', moderator, (req, res) => {
    const id = organisationIdParam(param(req, 'id'));
    const parsed = parseForm(aliasForm, req.body, ['alias']);
    if (!parsed.ok) return renderOrganisation(ctx, res, id, parsed, 422);
    try {
      const { linked } = addAlias(ctx, { id, alias: parsed.data.alias, actor: actor(res) });
      res.redirect(303, `/admin/organisations/${id}?done=alias&linked=${linked}`);
    } catch (error) {
      renderRefusal(ctx, res, id, error, 'alias', parsed.data.alias);
    }
  });

  router.post('/admin/organisations/:id/domains', moderator, (req, res) => {
    const id = organisationIdParam(param(req, 'id'));
    const parsed = parseForm(domainsForm, req.body, ['domains']);
    if (!parsed.ok) return renderOrganisation(ctx, res, id, parsed, 422);
    try {
      const result = setOrganisationDomains(ctx, { id, domains: parsed.data.domains, actor: actor(res) });
      res.redirect(303, `/admin/organisations/${id}?done=domains&verified=${result.verified}&unverified=${result.unverified}`);
    } catch (error) {
      renderRefusal(ctx, res, id, error, 'domains', textValue(req.body?.domains) ?? '');
    }
  });

  return router;
}

/** A change the service refused, shown on the organisation's page next to the field, with what was typed. */
function renderRefusal(ctx: Context, res: Response, id: number, error: unknown, field: string, typed: string): void {
  const refused = refusalAsFieldError(error, field);
  renderOrganisation(ctx, res, id, { values: { [field]: typed }, errors: refused.errors }, refused.status);
}

function renderMergeRefusal(ctx: Context, res: Response, ids: { keep: number; remove: number }, error: unknown): void {
  const refused = refusalAsFieldError(error);
  renderIndex(ctx, res, { merge: { values: { keep: String(ids.keep), remove: String(ids.remove) }, errors: refused.errors } }, refused.status);
}

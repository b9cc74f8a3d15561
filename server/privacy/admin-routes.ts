import { Router, type Response } from 'express';
import type { Context } from '../context.js';
import { parseForm, textValue, type FieldErrors } from '../web/forms.js';
import { param } from '../web/params.js';
import { renderPage } from '../web/render.js';
import { ERASE_SIGNER_FIELDS, eraseSignerForm } from './admin-forms.js';
import { anonymiseLetter, anonymisationRefusal } from './anonymise-letter.js';
import { eraseSigner } from './erase-signer.js';
import { privacyPolicy } from './policy.js';
import { recentPrivacyRuns } from './privacy-runs.js';
import { runPrivacyJobs } from './run-privacy-jobs.js';
import { findLetter, signatureCount } from '../letters/index.js';
import { actorFrom, currentOrganiser, requireOrganiser } from '../organisers/index.js';

interface EraseFormState {
  values: Record<string, string>;
  errors: FieldErrors;
}

/** What /admin/privacy says after an action; the same whatever the erased address was. */
const NOTICES: Record<string, string> = {
  erased: 'If that address had signed, every signature and mail for it has been erased.',
  ran: 'The privacy jobs ran just now; the first row below is that run.',
};

/**
 * Owners carry out the privacy lifecycle here: a signer's erasure request (with a confirmation
 * step), the retention jobs on demand with their last runs, and anonymising a closed letter.
 */
export function privacyAdminRoutes(ctx: Context): Router {
  const router = Router();
  const owner = requireOrganiser(ctx, 'owner');
  const policy = privacyPolicy(ctx.config);

  const renderPrivacyAdmin = async (res: Response, eraseForm: EraseFormState = { values: { email: '' }, errors: {} }, notice?: string, status = 200) => {
    const title = Object.keys(eraseForm.errors).length > 0 ? 'Error: Privacy' : 'Privacy';
    const runs = await recentPrivacyRuns(ctx.db);
    renderPage(res, 'privacy/admin', { title, policy, jobsIntervalMinutes: ctx.config.jobsIntervalMinutes, runs, eraseForm, notice }, status);
  };

  router.get('/admin/privacy', owner, async (req, res) => {
    await renderPrivacyAdmin(res, undefined, NOTICES[textValue(req.query.done) ?? '']);
  });

  // Step one only shows what will happen: nothing is looked up, so it tells nothing about the address.
  router.post('/admin/privacy/erase/confirm', owner, (req, res) => {
    const parsed = parseForm(eraseSignerForm, req.body, ERASE_SIGNER_FIELDS);
    if (!parsed.ok) return renderPrivacyAdmin(res, parsed, undefined, 422);
    renderPage(res, 'privacy/erase-confirm', { title: 'Erase a signer?', email: parsed.data.email });
  });

  router.post('/admin/privacy/erase', owner, async (req, res) => {
    const parsed = parseForm(eraseSignerForm, req.body, ERASE_SIGNER_FIELDS);
    if (!parsed.ok) return renderPrivacyAdmin(res, parsed, undefined, 422);
    await eraseSigner(ctx, { email: parsed.data.email, actor: actorFrom(currentOrganiser(res)) });
    res.redirect(303, '/admin/privacy?done=erased');
  });

  router.post('/admin/privacy/run', owner, async (_req, res) => {
    await runPrivacyJobs(ctx, { actor: actorFrom(currentOrganiser(res)) });
    res.redirect(303, '/admin/privacy?done=ran');
  });

  router.get('/admin/letters/:slug/anonymise', owner, async (req, res) => {
    const letter = await findLetter(ctx.db, param(req, 'slug'));
    if (letter.anonymisedAt) return res.redirect(303, `/admin/letters/${letter.slug}`);
    const refusal = anonymisationRefusal(letter, ctx.now(), ctx.config.anonymiseAfterDays);
    if (refusal) throw refusal;
    renderPage(res, 'privacy/anonymise-confirm', { title: `Anonymise: ${letter.title}`, letter, count: signatureCount(letter) });
  });

  router.post('/admin/letters/:slug/anonymise', owner, async (req, res) => {
    const letter = await findLetter(ctx.db, param(req, 'slug'));
    await anonymiseLetter(ctx, { letterId: letter.id, actor: actorFrom(currentOrganiser(res)) });
    res.redirect(303, `/admin/letters/${letter.slug}`);
  });

  return router;
}

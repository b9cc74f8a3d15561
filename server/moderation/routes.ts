import { Router, type Response } from 'express';
import type { Context } from '../context.js';
import { listWaitingEdits } from '../signatures/index.js';
import { fieldErrorOf, parseForm, type FieldErrors } from '../web/forms.js';
import { param } from '../web/params.js';
import { renderPage } from '../web/render.js';
import { approveVerifiedFromQueue, moderateSelectedSignatures, previewApproveVerified, QUEUE_STATES, viewModerationQueue, type QueueFilters } from './moderate-letter.js';
import { editDecisionForm, approveVerifiedForm, describeEditsOutcome, describeOutcome, MODERATION_FIELDS, moderationForm, outcomeParams, parseQueueFilters, queueHref, returnFiltersOf } from './forms.js';
import { moderateSignatureEdits } from './moderate-edits.js';
import { actorFrom, currentOrganiser, hasRole, requireOrganiser } from '../organisers/index.js';

interface QueueExtras {
  outcome?: string;
  errors?: FieldErrors;
  note?: string;
}

async function renderQueue(ctx: Context, res: Response, slug: string, filters: QueueFilters, extras: QueueExtras = {}, status = 200): Promise<void> {
  const organiser = currentOrganiser(res);
  const canModerate = hasRole(organiser, 'moderator');
  const view = await viewModerationQueue(ctx, slug, filters, { seesEmails: canModerate });
  const waitingEdits = filters.state === 'pending' ? await listWaitingEdits(ctx.db, view.letter.id) : [];
  const errors = extras.errors ?? {};
  const heading = `Signatures: ${view.letter.title}`;
  renderPage(res, 'moderation/queue', {
    ...view,
    title: Object.keys(errors).length > 0 ? `Error: ${heading}` : heading,
    filters,
    canModerate,
    outcome: extras.outcome,
    waitingEdits: waitingEdits.map((edit) => ({ ...edit, email: canModerate ? edit.email : null })),
    errors,
    note: extras.note ?? '',
    states: QUEUE_STATES,
    stateHref: (state: QueueFilters['state']) => queueHref(view.letter.slug, { state, q: filters.q, limit: filters.limit }),
    nextHref: view.nextCursor ? queueHref(view.letter.slug, { ...filters, cursor: view.nextCursor }) : null,
    firstHref: filters.cursor ? queueHref(view.letter.slug, { ...filters, cursor: undefined }) : null,
    scripts: canModerate ? ['select-all.js'] : [],
  }, status);
}

/** The confirmation step of "approve all pending from verified affiliations": how many, and a button. */
async function renderApproveVerified(ctx: Context, res: Response, slug: string, extras: QueueExtras = {}, status = 200): Promise<void> {
  const preview = await previewApproveVerified(ctx, slug);
  const heading = `Approve verified affiliations: ${preview.letter.title}`;
  const errors = extras.errors ?? {};
  renderPage(res, 'moderation/approve-verified', { ...preview, title: Object.keys(errors).length > 0 ? `Error: ${heading}` : heading, errors, note: extras.note ?? '' }, status);
}

/** The moderation queue of a letter: every organiser may read it; moderators and owners act on it. */
export function moderationRoutes(ctx: Context): Router {
  const router = Router();
  const anyOrganiser = requireOrganiser(ctx, 'viewer');
  const moderator = requireOrganiser(ctx, 'moderator');

  router.get('/admin/letters/:slug/signatures', anyOrganiser, async (req, res) => {
    await renderQueue(ctx, res, param(req, 'slug'), parseQueueFilters(req.query), { outcome: describeOutcome(req.query) ?? describeEditsOutcome(req.query) });
  });

  router.post('/admin/letters/:slug/signatures/moderate', moderator, async (req, res) => {
    const slug = param(req, 'slug');
    const back = returnFiltersOf(req.body);
    const parsed = parseForm(moderationForm, req.body, MODERATION_FIELDS);
    if (!parsed.ok) return renderQueue(ctx, res, slug, back, { errors: parsed.errors, note: parsed.values.note }, 422);
    try {
      const result = await moderateSelectedSignatures(ctx, { slug, ...parsed.data, actor: actorFrom(currentOrganiser(res)) });
      res.redirect(303, queueHref(slug, back, outcomeParams(result.action, { ...result, changed: result.changed.length })));
    } catch (error) {
      const refused = fieldErrorOf(error);
      if (!refused) throw error;
      await renderQueue(ctx, res, slug, back, { errors: refused.errors, note: parsed.data.note }, refused.status);
    }
  });

  router.get('/admin/letters/:slug/signatures/approve-verified', moderator, async (req, res) => {
    await renderApproveVerified(ctx, res, param(req, 'slug'));
  });

  router.post('/admin/letters/:slug/signatures/approve-verified', moderator, async (req, res) => {
    const slug = param(req, 'slug');
    const parsed = parseForm(approveVerifiedForm, req.body, ['note']);
    if (!parsed.ok) return renderApproveVerified(ctx, res, slug, { errors: parsed.errors, note: parsed.values.note }, 422);
    const { approved } = await approveVerifiedFromQueue(ctx, { slug, note: parsed.data.note, actor: actorFrom(currentOrganiser(res)) });
    res.redirect(303, queueHref(slug, { state: 'pending' }, outcomeParams('approve-verified', { changed: approved.length })));
  });

  router.post('/admin/letters/:slug/signatures/edits', moderator, async (req, res) => {
    const slug = param(req, 'slug');
    const parsed = parseForm(editDecisionForm, req.body, ['edits', 'action']);
    if (!parsed.ok) return renderQueue(ctx, res, slug, { state: 'pending' }, { errors: parsed.errors }, 422);
    const decided = await moderateSignatureEdits(ctx, { slug, ids: parsed.data.edits, action: parsed.data.action, actor: actorFrom(currentOrganiser(res)) });
    res.redirect(303, queueHref(slug, { state: 'pending' }, { editsDone: parsed.data.action, edits: decided.length }));
  });

  return router;
}

import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Context } from '../context.js';
import { fieldErrorOf, parseForm, textValue, type FieldErrors } from '../web/forms.js';
import { param } from '../web/params.js';
import { parseQueryWith } from '../web/query.js';
import { renderPage } from '../web/render.js';
import { ENDORSEMENT_ACTIONS, ENDORSEMENT_TABS, MAX_ENDORSEMENTS_AT_ONCE, moderateEndorsements, viewEndorsements, type EndorsementTab } from './moderate-endorsements.js';
import { actorFrom, currentOrganiser, hasRole, requireOrganiser } from '../organisers/index.js';

const tabQuery = z.object({
  state: z.preprocess((raw) => textValue(raw) || undefined, z.enum(ENDORSEMENT_TABS).default('pending')),
  done: z.preprocess((raw) => textValue(raw) || undefined, z.enum(ENDORSEMENT_ACTIONS).optional()),
  changed: z.coerce.number().int().min(0).max(MAX_ENDORSEMENTS_AT_ONCE).optional(),
});

const moderationForm = z.object({
  ids: z.preprocess(
    (raw) => (raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]),
    z
      .array(z.string().regex(/^\d{1,15}$/, 'The selection holds something that is not an endorsement. Reload the page and select again.').transform(Number))
      .min(1, 'Select at least one endorsement.')
      .max(MAX_ENDORSEMENTS_AT_ONCE, `Select at most ${MAX_ENDORSEMENTS_AT_ONCE} endorsements at a time.`),
  ),
  action: z.preprocess((raw) => textValue(raw), z.enum(ENDORSEMENT_ACTIONS, { message: 'Choose what to do with the selected endorsements: approve or reject.' })),
  state: z.preprocess((raw) => textValue(raw) || undefined, z.enum(ENDORSEMENT_TABS).default('pending')),
});

const endorsementsPath = (slug: string): string => `/admin/letters/${encodeURIComponent(slug)}/endorsements`;
const endorsementsWord = (n: number): string => `${n} ${n === 1 ? 'endorsement' : 'endorsements'}`;

/** A letter's endorsements for its organisers: every organiser reads them; moderators and owners approve or reject. */
export function endorsementAdminRoutes(ctx: Context): Router {
  const router = Router();
  const anyOrganiser = requireOrganiser(ctx, 'viewer');
  const moderator = requireOrganiser(ctx, 'moderator');

  async function renderList(res: Response, slug: string, state: EndorsementTab, extras: { outcome?: string; errors?: FieldErrors } = {}, status = 200): Promise<void> {
    const view = await viewEndorsements(ctx, slug, state);
    const errors = extras.errors ?? {};
    const heading = `Endorsements: ${view.letter.title}`;
    const canModerate = hasRole(currentOrganiser(res), 'moderator');
    renderPage(res, 'endorsements/admin', {
      ...view,
      title: Object.keys(errors).length > 0 ? `Error: ${heading}` : heading,
      state,
      tabs: ENDORSEMENT_TABS,
      tabHref: (tab: EndorsementTab) => `${endorsementsPath(view.letter.slug)}${tab === 'pending' ? '' : `?state=${tab}`}`,
      canModerate,
      outcome: extras.outcome,
      errors,
      scripts: canModerate ? ['select-all.js'] : [],
    }, status);
  }

  router.get('/admin/letters/:slug/endorsements', anyOrganiser, async (req, res) => {
    const query = parseQueryWith(tabQuery, req.query);
    const outcome = query.done && query.changed !== undefined ? `${endorsementsWord(query.changed)} ${query.done === 'approve' ? 'approved' : 'rejected'}.` : undefined;
    await renderList(res, param(req, 'slug'), query.state, { outcome });
  });

  router.post('/admin/letters/:slug/endorsements/moderate', moderator, async (req, res) => {
    const slug = param(req, 'slug');
    const parsed = parseForm(moderationForm, req.body, ['ids', 'action', 'state']);
    const back = parsed.ok ? parsed.data.state : 'pending';
    if (!parsed.ok) return renderList(res, slug, back, { errors: parsed.errors }, 422);
    try {
      const result = await moderateEndorsements(ctx, { slug, ids: parsed.data.ids, action: parsed.data.action, actor: actorFrom(currentOrganiser(res)) });
      const stateParam = back === 'pending' ? '' : `state=${back}&`;
      res.redirect(303, `${endorsementsPath(slug)}?${stateParam}done=${result.action}&changed=${result.changed}`);
    } catch (error) {
      const refused = fieldErrorOf(error);
      if (!refused) throw error;
      await renderList(res, slug, back, { errors: refused.errors }, refused.status);
    }
  });

  return router;
}

import { Router, type Request, type Response } from 'express';
import type { Context } from '../context.js';
import { notFound } from '../web/errors.js';
import { parseForm, textValue, type FieldErrors } from '../web/forms.js';
import { param } from '../web/params.js';
import { renderPage } from '../web/render.js';
import { BLOCK_FIELDS, BLOCK_KIND_OPTIONS, blockForm, blockRuleId, type BlockForm } from './block-forms.js';
import { applyBlock, listBlockRules, previewBlock, removeBlock } from './block-rules.js';
import { parseIpRange } from './ip-ranges.js';
import { findLetter, type LetterRow } from '../letters/index.js';
import { actorFrom, currentOrganiser, requireOrganiser } from '../organisers/index.js';

/** Where a rule applies: one letter (its pages live under the letter) or every letter. */
interface BlockScope {
  letter: LetterRow | undefined;
  letterId: number | null;
  base: string;
}

async function scopeOf(ctx: Context, req: Request): Promise<BlockScope> {
  if (req.params.slug === undefined) return { letter: undefined, letterId: null, base: '/admin/blocks' };
  const letter = await findLetter(ctx.db, param(req, 'slug'));
  return { letter, letterId: letter.id, base: `/admin/letters/${letter.slug}/blocks` };
}

interface BlockFormState {
  values: Record<string, string>;
  errors: FieldErrors;
}

/** What the last action did, carried in the redirect's query: numbers only, so nothing typed is echoed. */
function outcomeOf(req: Request): { rejected: number; blocked: number } | 'removed' | undefined {
  if (textValue(req.query.removed) === '1') return 'removed';
  const count = (name: string) => {
    const text = textValue(req.query[name]) ?? '';
    return /^\d{1,9}$/.test(text) ? Number(text) : undefined;
  };
  const rejected = count('rejected');
  const blocked = count('blocked');
  return rejected === undefined || blocked === undefined ? undefined : { rejected, blocked };
}

async function renderBlocks(ctx: Context, req: Request, res: Response, scope: BlockScope, form: BlockFormState, status = 200): Promise<void> {
  const heading = scope.letter ? `Blocked signers: ${scope.letter.title}` : 'Blocked signers on every letter';
  const rules = await listBlockRules(ctx, scope.letterId ?? undefined);
  renderPage(res, 'abuse/blocks', {
    title: Object.keys(form.errors).length > 0 ? `Error: ${heading}` : heading,
    heading,
    scope,
    rules,
    kinds: BLOCK_KIND_OPTIONS,
    form,
    outcome: outcomeOf(req),
  }, status);
}

/** Ranges narrower than what signatures keep of an address (/24, /48) cannot be matched against old signatures. */
const NARROWEST_STORED_NETWORK = { ipv4: 24, ipv6: 48 } as const;

function onlyCatchesNewSigners(rule: BlockForm): boolean {
  const range = rule.kind === 'cidr' ? parseIpRange(rule.value) : undefined;
  return range !== undefined && range.prefix > NARROWEST_STORED_NETWORK[range.family];
}

/**
 * Shadow bans for moderators and owners: choose an IP hash, an address range or an email domain,
 * see how many signatures it catches, then reject them all and keep the rule for later signers.
 * The same four routes serve one letter (`/admin/letters/:slug/blocks`) and every letter (`/admin/blocks`).
 */
export function blockAdminRoutes(ctx: Context): Router {
  const router = Router();
  const moderator = requireOrganiser(ctx, 'moderator');

  for (const path of ['/admin/blocks', '/admin/letters/:slug/blocks']) {
    router.get(path, moderator, async (req, res) => {
      await renderBlocks(ctx, req, res, await scopeOf(ctx, req), { values: { kind: 'ip_hash', value: '' }, errors: {} });
    });

    // Other pages (a signature in the moderation list) start here with a small form of their own
    // posting `kind` and `value`: a POST keeps the IP hash out of URLs, logs and history.

    router.post(`${path}/preview`, moderator, async (req, res) => {
      const scope = await scopeOf(ctx, req);
      const parsed = parseForm(blockForm, req.body, BLOCK_FIELDS);
      if (!parsed.ok) return renderBlocks(ctx, req, res, scope, parsed, 422);
      const preview = await previewBlock(ctx, { letterId: scope.letterId, ...parsed.data });
      const kindLabel = BLOCK_KIND_OPTIONS.find((option) => option.value === parsed.data.kind)?.label ?? parsed.data.kind;
      renderPage(res, 'abuse/block-preview', {
        title: 'Check the block before applying it',
        scope,
        rule: parsed.data,
        kindLabel,
        preview,
        onlyNewSigners: onlyCatchesNewSigners(parsed.data),
        narrowest: NARROWEST_STORED_NETWORK,
      });
    });

    router.post(path, moderator, async (req, res) => {
      const scope = await scopeOf(ctx, req);
      const parsed = parseForm(blockForm, req.body, BLOCK_FIELDS);
      if (!parsed.ok) return renderBlocks(ctx, req, res, scope, parsed, 422);
      const result = await applyBlock(ctx, { letterId: scope.letterId, ...parsed.data, actor: actorFrom(currentOrganiser(res)) });
      res.redirect(303, `${scope.base}?rejected=${result.rejected}&blocked=${result.blocked}`);
    });

    router.post(`${path}/:id/remove`, moderator, async (req, res) => {
      const scope = await scopeOf(ctx, req);
      const ruleId = blockRuleId(param(req, 'id'));
      if (ruleId === undefined) throw notFound('block rule');
      await removeBlock(ctx, { ruleId, letterId: scope.letterId, actor: actorFrom(currentOrganiser(res)) });
      res.redirect(303, `${scope.base}?removed=1`);
    });
  }

  return router;
}

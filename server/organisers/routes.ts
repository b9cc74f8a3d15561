import { Router, type Response } from 'express';
import type { Context } from '../context.js';
import { fieldErrorOf, parseForm, type FieldErrors } from '../web/forms.js';
import { renderPage } from '../web/render.js';
import { requireFormBody, requireSameOrigin } from '../web/security.js';
import { AppError } from '../web/errors.js';
import { clearSessionCookie, currentOrganiser, actorFrom, findSignedInOrganiser, readSessionCookie, requireOrganiser, setSessionCookie } from './access.js';
import { addOrganiser, listOrganisers, removeOrganiser, setOrganiserRole } from './accounts.js';
import { ADD_ORGANISER_FIELDS, addOrganiserForm, LOGIN_FIELDS, loginForm, organiserEmailForm, organiserRoleForm, safeNextPath } from './forms.js';
import { createDeviceCookies, readDeviceCookie, setDeviceCookie } from './device-cookies.js';
import { createHashingQueue } from './hashing-queue.js';
import { createLoginThrottle } from './login-throttle.js';
import { prepareSignIn, signIn, signOut } from './sign-in.js';
import { ORGANISER_ROLES } from './table.js';

/** The one answer for an unknown email and a wrong password. */
const REFUSED: FieldErrors = { email: 'The email address or password is not right' };

function renderLogin(res: Response, values: Record<string, string>, errors: FieldErrors = {}, status = 200): void {
  res.setHeader('Cache-Control', 'no-store');
  renderPage(res, 'organisers/login', { title: status === 200 ? 'Sign in' : 'Error: Sign in', noindex: true, values, errors }, status);
}

async function renderOrganisers(ctx: Context, res: Response, form: { values: Record<string, string>; errors: FieldErrors } = { values: { role: 'viewer' }, errors: {} }, status = 200): Promise<void> {
  renderPage(res, 'organisers/index', { title: 'Organisers', organisers: await listOrganisers(ctx), roles: ORGANISER_ROLES, form }, status);
}

export function organiserRoutes(ctx: Context): Router {
  const router = Router();
  const guards = { throttle: createLoginThrottle(ctx.db, ctx.config), hashing: createHashingQueue(), devices: createDeviceCookies(ctx.config.sessionSecret) };
  prepareSignIn(ctx.config);
  const owner = requireOrganiser(ctx, 'owner');

  router.get('/admin/login', async (req, res) => {
    const next = safeNextPath(req.query.next);
    if (await findSignedInOrganiser(ctx, req, res)) return res.redirect(303, next);
    renderLogin(res, { email: '', next });
  });

  router.post('/admin/login', requireSameOrigin(ctx.config), requireFormBody, async (req, res) => {
    const parsed = parseForm(loginForm, req.body, LOGIN_FIELDS);
    if (!parsed.ok) return renderLogin(res, { ...parsed.values, next: safeNextPath(parsed.values.next) }, parsed.errors, 422);
    const { email, password } = parsed.data;
    const next = safeNextPath(parsed.data.next);
    const result = await signIn(ctx, guards, {
      email,
      password,
      clientIp: req.ip,
      previousSessionToken: readSessionCookie(req, ctx.config),
      deviceCookie: readDeviceCookie(req, ctx.config),
    });
    if (result.outcome === 'throttled') {
      res.setHeader('Retry-After', String(result.retryAfterSeconds));
      const minutes = Math.ceil(result.retryAfterSeconds / 60);
      return renderLogin(res, { email, next }, { email: `Too many attempts to sign in. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.` }, 429);
    }
    if (result.outcome === 'busy') {
      res.setHeader('Retry-After', '5');
      return renderLogin(res, { email, next }, { email: 'Many people are signing in right now. Try again in a few seconds.' }, 429);
    }
    if (result.outcome === 'refused') return renderLogin(res, { email, next }, REFUSED, 401);
    setSessionCookie(res, ctx.config, result.sessionToken);
    setDeviceCookie(res, ctx.config, result.deviceCookie);
    res.redirect(303, next);
  });

  router.post('/admin/logout', requireOrganiser(ctx), async (req, res) => {
    await signOut(ctx, readSessionCookie(req, ctx.config), currentOrganiser(res));
    clearSessionCookie(res, ctx.config);
    res.redirect(303, '/admin/login');
  });

  router.get('/admin/organisers', owner, (_req, res) => renderOrganisers(ctx, res));

  router.post('/admin/organisers', owner, async (req, res) => {
    const parsed = parseForm(addOrganiserForm, req.body, ADD_ORGANISER_FIELDS);
    if (!parsed.ok) return renderOrganisers(ctx, res, parsed, 422);
    try {
      await addOrganiser(ctx, parsed.data, actorFrom(currentOrganiser(res)));
    } catch (error) {
      const refused = fieldErrorOf(error);
      if (!refused) throw error;
      const { password: _password, ...values } = parsed.data;
      return renderOrganisers(ctx, res, { values, errors: refused.errors }, refused.status);
    }
    res.redirect(303, '/admin/organisers');
  });

  router.post('/admin/organisers/role', owner, async (req, res) => {
    const parsed = parseForm(organiserRoleForm, req.body, ['email', 'role']);
    if (!parsed.ok) throw new AppError('invalid_form', 422, Object.values(parsed.errors)[0] ?? 'Choose a role');
    await setOrganiserRole(ctx, parsed.data.email, parsed.data.role, actorFrom(currentOrganiser(res)));
    res.redirect(303, '/admin/organisers');
  });

  router.post('/admin/organisers/remove', owner, async (req, res) => {
    const parsed = parseForm(organiserEmailForm, req.body, ['email']);
    if (!parsed.ok) throw new AppError('invalid_form', 422, 'Choose an organiser to remove');
    await removeOrganiser(ctx, parsed.data.email, actorFrom(currentOrganiser(res)));
    res.redirect(303, '/admin/organisers');
  });

  return router;
}

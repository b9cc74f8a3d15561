import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Config } from '../config.js';
import type { Context } from '../context.js';
import { readCookie } from '../web/cookies.js';
import { AppError, forbidden } from '../web/errors.js';
import { textValue } from '../web/forms.js';
import { resumeSession, sessionPolicy } from './sessions.js';
import type { OrganiserRole } from './table.js';
import type { Actor } from '../audit/index.js';

/** The signed-in organiser as route handlers and templates see it. */
export interface SignedInOrganiser {
  id: number;
  email: string;
  name: string;
  role: OrganiserRole;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** Set by `requireOrganiser` (and `requireCsrf`) when a session cookie is valid. */
      organiser?: SignedInOrganiser;
      /** The session's CSRF token, for the hidden `_csrf` field of every organiser form. */
      csrfToken?: string;
    }
  }
}

const ROLE_RANK: Record<OrganiserRole, number> = { viewer: 0, moderator: 1, owner: 2 };

/** owner ⊃ moderator ⊃ viewer. */
export const hasRole = (organiser: Pick<SignedInOrganiser, 'role'>, minimum: OrganiserRole): boolean => ROLE_RANK[organiser.role] >= ROLE_RANK[minimum];

/** For recordAudit: the label outlives the account, so it names the person. */
export const actorFrom = (organiser: Pick<SignedInOrganiser, 'id' | 'email' | 'name'>): Actor => ({
  kind: 'organiser',
  id: organiser.id,
  label: `${organiser.name} <${organiser.email}>`,
});

/** `__Host-` in production: the browser then insists on Secure, Path=/ and no Domain. */
export const sessionCookieName = (config: Pick<Config, 'isProduction'>): string =>
  config.isProduction ? '__Host-undersigned_session' : 'undersigned_session';

export const readSessionCookie = (req: Request, config: Pick<Config, 'isProduction'>): string | undefined =>
  readCookie(req, sessionCookieName(config));

export function setSessionCookie(res: Response, config: Config, token: string): void {
  res.cookie(sessionCookieName(config), token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.isProduction,
    path: '/',
    maxAge: config.sessionMaxHours * 3_600_000,
  });
}

export function clearSessionCookie(res: Response, config: Config): void {
  res.clearCookie(sessionCookieName(config), { httpOnly: true, sameSite: 'lax', secure: config.isProduction, path: '/' });
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const RESOLVED = Symbol('organiser session resolved');

/** Looks the session cookie up once per request and fills res.locals; no cookie or an expired one leaves them empty. */
export function findSignedInOrganiser(ctx: Context, req: Request, res: Response): Promise<SignedInOrganiser | undefined> {
  const locals = res.locals as typeof res.locals & { [RESOLVED]?: Promise<SignedInOrganiser | undefined> };
  locals[RESOLVED] ??= lookUpOrganiser(ctx, req, res);
  return locals[RESOLVED];
}

async function lookUpOrganiser(ctx: Context, req: Request, res: Response): Promise<SignedInOrganiser | undefined> {
  const token = readSessionCookie(req, ctx.config);
  const session = token ? await resumeSession(ctx.db, token, ctx.now(), sessionPolicy(ctx.config)) : undefined;
  if (!session) return undefined;
  const { id, email, name, role } = session.organiser;
  const organiser = { id, email, name, role };
  res.locals.organiser = organiser;
  res.locals.csrfToken = session.csrfToken;
  // Organiser pages show names, emails and moderation state: never keep them in a shared cache.
  res.setHeader('Cache-Control', 'no-store');
  return organiser;
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Constant-time: both sides are hashed to the same length first, so neither length nor content leaks through timing. */
function csrfTokenMatches(expected: string, sent: string | undefined): boolean {
  return sent !== undefined && sent.length > 0 && timingSafeEqual(digest(expected), digest(sent));
}

export const csrfRefused = (): AppError =>
  new AppError('csrf_invalid', 403, 'This form has expired or did not come from this site. Go back, reload the page and try again.');

function checkCsrf(req: Request, res: Response): AppError | undefined {
  if (!UNSAFE_METHODS.has(req.method)) return undefined;
  const sent = textValue((req.body as Record<string, unknown> | undefined)?._csrf) ?? req.get('x-csrf-token');
  return res.locals.csrfToken && csrfTokenMatches(res.locals.csrfToken, sent) ? undefined : csrfRefused();
}

/**
 * Lets the request through only for a signed-in organiser of at least `minimumRole`; for POST and
 * other unsafe methods the session's CSRF token must also come with the request. Not signed in:
 * a browser is sent to /admin/login (and back afterwards), an API client gets 401. Role too low: 403.
 */
export function requireOrganiser(ctx: Context, minimumRole: OrganiserRole = 'viewer'): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const organiser = await findSignedInOrganiser(ctx, req, res);
    if (!organiser) {
      if (req.accepts(['html', 'json']) === 'json') return next(new AppError('not_signed_in', 401, 'Sign in as an organiser first.'));
      const back = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
      return res.redirect(303, `/admin/login${back}`);
    }
    const csrfError = checkCsrf(req, res);
    if (csrfError) return next(csrfError);
    if (!hasRole(organiser, minimumRole)) return next(forbidden(`Your role (${organiser.role}) does not allow this; it needs ${minimumRole} or above.`));
    next();
  };
}

/** Shorthand for routers: `router.post('/x', requireRole(ctx, 'moderator'), handler)`. */
export const requireRole = requireOrganiser;

/**
 * Defence in depth, mounted on /admin in app.ts: any unsafe request that carries a live session
 * must carry its CSRF token, even on a route that forgot `requireOrganiser`. Requests without a
 * session carry no authority to abuse; `requireOrganiser` turns them away.
 */
export function requireCsrf(ctx: Context, exempt: readonly string[] = ['/login']): RequestHandler {
  return async (req, res, next) => {
    if (!UNSAFE_METHODS.has(req.method) || exempt.includes(req.path)) return next();
    if (!(await findSignedInOrganiser(ctx, req, res))) return next();
    next(checkCsrf(req, res));
  };
}

/** The signed-in organiser; for handlers behind `requireOrganiser`. */
export function currentOrganiser(res: Response): SignedInOrganiser {
  const organiser = res.locals.organiser;
  if (!organiser) throw new AppError('not_signed_in', 401, 'Sign in as an organiser first.');
  return organiser;
}

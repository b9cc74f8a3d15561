import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import type { Config } from '../config.js';
import { AppError } from './errors.js';

/** CSP without any inline script or style: every script and stylesheet is a file under public/. */
function helmetFor(config: Config, framing: 'deny' | 'any-site'): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: framing === 'deny' ? ["'none'"] : ['*'],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        ...(config.isProduction ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: config.isProduction ? { maxAge: 63_072_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
    frameguard: framing === 'deny' ? { action: 'deny' } : false,
    crossOriginResourcePolicy: { policy: framing === 'deny' ? 'same-origin' : 'cross-origin' },
    crossOriginEmbedderPolicy: false,
  });
}

type HeaderList = ReadonlyArray<readonly [name: string, value: string]>;

/**
 * The headers a helmet policy sets, worked out once: helmet runs a chain of a dozen middlewares
 * per request, each setting one constant header, which cost more than some whole pages.
 */
function headersOf(middleware: RequestHandler): HeaderList {
  const headers: Array<[string, string]> = [];
  const recorder = { setHeader: (name: string, value: unknown) => headers.push([name, String(value)]), removeHeader: () => {} };
  middleware({} as Request, recorder as unknown as Response, () => {});
  return headers;
}

const setHeaders = (headers: HeaderList): RequestHandler => (_req, res, next) => {
  for (const [name, value] of headers) res.setHeader(name, value);
  next();
};

/** The headers of every response: no page may be framed (clickjacking) unless a route says otherwise. */
export function securityHeaders(config: Config): RequestHandler {
  return setHeaders([
    ['Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()'],
    ...headersOf(helmetFor(config, 'deny')),
  ]);
}

/**
 * Per-route override for a page made to be shown in other sites' iframes (the embeddable
 * counter): it replaces the headers securityHeaders set with ones that allow any site to frame
 * it. Such a page must hold no form and nothing that acts on a click.
 */
export function allowFramingByAnySite(config: Config): RequestHandler {
  const framable = setHeaders(headersOf(helmetFor(config, 'any-site')));
  return (req, res, next) => {
    res.removeHeader('X-Frame-Options');
    framable(req, res, next);
  };
}

/**
 * Per-response override for a page only some sites may frame (a partner's embedded sign form):
 * `frame-ancestors` names exactly those origins, and X-Frame-Options, which cannot name an origin,
 * is dropped. With no origin the page keeps the default headers: no site may frame it. The origins
 * must be URL origins (scheme, host, port): nothing in them can end the directive.
 */
export function allowFramingByOrigins(config: Config): (res: Response, origins: readonly string[]) => void {
  const policy = headersOf(helmetFor(config, 'deny')).find(([name]) => name === 'Content-Security-Policy')?.[1];
  if (!policy?.includes("frame-ancestors 'none'")) throw new Error("security: the default policy no longer says frame-ancestors 'none'");
  return (res, origins) => {
    if (origins.length === 0) return;
    res.removeHeader('X-Frame-Options');
    res.setHeader('Content-Security-Policy', policy.replace("frame-ancestors 'none'", `frame-ancestors ${origins.join(' ')}`));
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  };
}

/**
 * Public forms carry no cookie and so no CSRF token; a browser tells us where a POST came from
 * instead. A request that says it is cross-site is refused; clients that send neither header
 * (curl, scripts) are not browsers riding on someone's session, so they pass.
 */
export function requireSameOrigin(config: Config): RequestHandler {
  const allowed = new URL(config.baseUrl).origin;
  return (req: Request, _res: Response, next: NextFunction) => {
    const site = req.get('sec-fetch-site');
    if (site && site !== 'same-origin' && site !== 'none') return next(crossSite());
    const origin = req.get('origin');
    // Pages sent with Referrer-Policy: no-referrer (confirm, withdraw) make browsers send `Origin: null`
    // on their own form posts; there Sec-Fetch-Site, which a page cannot forge, vouches for them.
    if (origin === 'null') return next(site === 'same-origin' ? undefined : crossSite());
    if (origin && origin !== allowed && origin !== requestOrigin(req)) return next(crossSite());
    next();
  };
}

const requestOrigin = (req: Request): string => `${req.protocol}://${req.get('host') ?? ''}`;

const crossSite = (): AppError =>
  new AppError('cross_site_request', 403, 'This form can only be sent from this site. Please open the letter page and try again.');

/** Form posts must be urlencoded: anything else is refused before it reaches a handler. */
export const requireFormBody: RequestHandler = (req, _res, next) => {
  if (!req.is('application/x-www-form-urlencoded')) {
    return next(new AppError('unsupported_content_type', 415, 'Please send the form from the web page.'));
  }
  next();
};

/** An escaped NUL: no text the app keeps holds one, and PostgreSQL's text cannot store it. */
const ESCAPED_NUL = /%00/i;

/**
 * A NUL in the address (path or query) is refused with a 400 before any route reads it: no slug,
 * token or search holds one, and on PostgreSQL a query given one would fail.
 */
export const refuseNulInAddress: RequestHandler = (req, _res, next) => {
  if (ESCAPED_NUL.test(req.originalUrl)) return next(new AppError('malformed_address', 400, 'The address could not be read. Please check the link and try again.'));
  next();
};

/**
 * A urlencoded body as browsers send it: printable ASCII, no escaped NUL, every %-escape complete and decoding
 * to valid UTF-8. The parser would otherwise keep a broken escape as literal text (or a lone
 * surrogate), and store it; such a body is refused whole with a 400 instead. Use as the parser's
 * `verify` option.
 */
export function verifyFormEncoding(_req: unknown, _res: unknown, body: Buffer): void {
  const text = body.toString('latin1');
  const wellFormed = /^[\x20-\x7e]*$/.test(text) && !ESCAPED_NUL.test(text) && text.split(/[&=]/).every((piece) => decodes(piece.replaceAll('+', ' ')));
  if (!wellFormed) throw new AppError('malformed_form', 400, 'The form could not be read. Please go back to the page and send it again.');
}

function decodes(piece: string): boolean {
  try {
    decodeURIComponent(piece);
    return true;
  } catch {
    return false;
  }
}

/** Pages reached by a link with a token: the token must not leak through Referer or a shared cache. */
export const privateLinkPage: RequestHandler = (_req, res, next) => {
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
  next();
};

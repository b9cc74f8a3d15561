import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import type { Config } from '../config.js';
import { AppError } from './errors.js';

/** CSP without any inline script or style: every script and stylesheet is a file under public/. */
export function securityHeaders(config: Config): RequestHandler {
  const secure = helmet({
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
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        ...(config.isProduction ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: config.isProduction ? { maxAge: 63_072_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
    frameguard: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
  });
  return (req, res, next) => {
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()');
    secure(req, res, next);
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

import type { RequestHandler } from 'express';

/**
 * Public read-only data any site may fetch: CORS open to every origin for GET and HEAD. No
 * credentials are involved (`*` forbids them), so this exposes nothing a plain request would not.
 */
export const openForReading: RequestHandler = (req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD');
    res.setHeader('Access-Control-Max-Age', '86400');
    return void res.status(204).end();
  }
  next();
};

/**
 * Lets browsers and shared caches keep a response briefly; with Express's ETag a client that
 * revalidates gets a 304 when nothing changed.
 */
export const publicCache = (seconds: number): RequestHandler => (_req, res, next) => {
  res.setHeader('Cache-Control', `public, max-age=${seconds}`);
  next();
};

import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { isDatabaseBusy, isUnstorableText } from '../db/errors.js';
import { AppError, clientErrorMessage, clientStatusOf, databaseBusy, notFound, unstorableText } from './errors.js';
import { redactUrl } from './logger.js';
import { renderPage } from './render.js';

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(notFound());

const TITLES: Record<number, string> = {
  401: 'Sign in required',
  403: 'Not allowed',
  404: 'Page not found',
  409: 'Not possible right now',
  410: 'This link has expired',
  413: 'Too large',
  415: 'Unsupported content',
  422: 'Check what you sent',
  429: 'Too many requests',
  500: 'Something went wrong',
  503: 'Busy right now',
};

/**
 * The one place errors become responses. Known outcomes (AppError, a parser's 4xx) keep their
 * status and safe message; anything else is logged and answered with a bare 500 page, never a
 * stack trace or SQL. A database that stayed locked past its busy timeout is a known outcome too:
 * 503 with Retry-After, never a 500; so is text PostgreSQL cannot store (400).
 */
export const createErrorHandler = (logger: Logger): ErrorRequestHandler => (thrown, req, res, _next) => {
  const busy = isDatabaseBusy(thrown);
  const error: unknown = busy ? databaseBusy() : isUnstorableText(thrown) ? unstorableText() : thrown;
  const known = error instanceof AppError;
  const status = known ? error.status : (clientStatusOf(error) ?? 500);
  const id = known ? error.id : status === 500 ? 'internal_error' : `http_${status}`;
  const message = known ? error.message : status === 500 ? 'Sorry, something went wrong on our side. Please try again in a moment.' : clientErrorMessage(status);
  const request = { method: req.method, url: redactUrl(req.originalUrl) };
  if (busy) logger.warn({ req: request }, 'request refused: the database stayed locked past its busy timeout');
  else if (status >= 500) logger.error({ err: error, req: request }, 'request failed');
  if (res.headersSent) return res.destroy();
  if (known && typeof error.details.retryAfterSeconds === 'number') res.setHeader('Retry-After', String(error.details.retryAfterSeconds));
  if (req.path.startsWith('/api/') || req.accepts(['html', 'json']) === 'json') {
    res.status(status).json({ error: { id, message } });
    return;
  }
  renderPage(res, 'errors/error', { title: TITLES[status] ?? 'Request refused', status, errorId: id, message }, status);
};

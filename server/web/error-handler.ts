import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { isDatabaseBusy, isUnstorableText } from '../db/errors.js';
import { AppError, clientErrorMessage, clientStatusOf, databaseBusy, notFound, unstorableText } from './errors.js';
import { redactUrl } from './logger.js';
import { renderPage } from './render.js';
import { DEFAULT_LANGUAGE, translatorFor } from './i18n.js';

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(notFound());

type Translate = (key: string, values?: Record<string, unknown>) => string;

/** An error's words in the page's language (see AppError); English `message` where no catalogue has them. */
function translatedMessage(t: Translate, id: string, details: Record<string, unknown>, message: string): string {
  const keys = Array.isArray(details.messageKeys) ? (details.messageKeys as string[]) : [`errors.${id}`];
  const { messageKeys: _keys, ...values } = details;
  const said = keys.map((key) => t(key, { ...values, defaultValue: '' }));
  return said.every(Boolean) ? said.join(' ') : message;
}

/** A title for each status, in the page's language. */
const titleOf = (t: Translate, status: number): string => t(`error.titles.${status}`, { defaultValue: t('error.titles.other') });

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
  const english = known ? error.message : status === 500 ? 'Sorry, something went wrong on our side. Please try again in a moment.' : clientErrorMessage(status);
  const request = { method: req.method, url: redactUrl(req.originalUrl) };
  if (busy) logger.warn({ req: request }, 'request refused: the database stayed locked past its busy timeout');
  else if (status >= 500) logger.error({ err: error, req: request }, 'request failed');
  if (res.headersSent) return res.destroy();
  if (known && typeof error.details.retryAfterSeconds === 'number') res.setHeader('Retry-After', String(error.details.retryAfterSeconds));
  if (req.path.startsWith('/api/') || req.accepts(['html', 'json']) === 'json') {
    // API clients read the stable id; the message stays the English one they were written against.
    res.status(status).json({ error: { id, message: english } });
    return;
  }
  const t = (res.locals.t as Translate | undefined) ?? translatorFor(DEFAULT_LANGUAGE).t;
  const message = known ? translatedMessage(t, id, error.details, english) : t(`error.http.${status}`, { defaultValue: t('error.http.other') });
  renderPage(res, 'errors/error', { title: titleOf(t, status), status, errorId: id, message }, status);
};

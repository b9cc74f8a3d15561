import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { redactUrl } from './logger.js';

/** Requests that would only add noise: fingerprinted files and the health probe. */
const isQuiet = (url: string): boolean => url.startsWith('/assets/') || url === '/healthz';

/**
 * One log line per answered request (method, path with tokens redacted, status, time taken),
 * 5xx at error level. Kept to a timestamp and one listener: it runs on every page view of a
 * surge, where pino-http's per-request child logger and serializers cost a measurable share.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const url = req.originalUrl;
    if (isQuiet(url)) return next();
    const started = performance.now();
    res.once('finish', () => {
      const level = res.statusCode >= 500 ? 'error' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const responseTime = Math.round(performance.now() - started);
      logger[level]({ req: { method: req.method, url: redactUrl(url) }, res: { statusCode: res.statusCode }, responseTime }, 'request completed');
    });
    next();
  };
}

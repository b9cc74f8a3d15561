import pino, { type Logger } from 'pino';

/** Paths of request logs that carry secrets: a token in a confirm/withdraw link is a credential. */
const TOKEN_IN_PATH = /\/(signatures\/(?:confirm|withdraw))\/[^/?#]+/g;

/** Query keys whose values are personal whatever they hold: searches (names, addresses) and return paths. */
const PERSONAL_KEYS = new Set(['token', 'email', 'q', 'next']);

/** A value that is or holds an email address, raw or percent-encoded (`%40`). */
const looksLikeAddress = (value: string): boolean => /@|%40/i.test(value);

export function redactUrl(url: string): string {
  const path = url.replace(TOKEN_IN_PATH, '/$1/[token]');
  const query = path.indexOf('?');
  if (query < 0) return path;
  const redacted = path
    .slice(query + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const key = equals < 0 ? pair : pair.slice(0, equals);
      const value = equals < 0 ? '' : pair.slice(equals + 1);
      if (looksLikeAddress(key)) return '[redacted]';
      return PERSONAL_KEYS.has(safeDecode(key).toLowerCase()) || looksLikeAddress(value) ? `${key}=[redacted]` : pair;
    });
  return `${path.slice(0, query)}?${redacted.join('&')}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** Logs to stdout by default; CLI commands log to stderr so their output stays clean. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({
    level,
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', '*.email', '*.password', 'email', 'password', 'to'],
      censor: '[redacted]',
    },
  }, destination);
}

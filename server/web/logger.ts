import pino, { type Logger } from 'pino';

/** Paths of request logs that carry secrets: a token in a confirm/withdraw link (a signer's or an endorsement's) is a credential. */
const TOKEN_IN_PATH = /\/(signatures\/(?:confirm|withdraw)|endorsements\/confirm)\/[^/?#]+/g;

/** Query keys whose values are personal whatever they hold: searches (names, addresses) and return paths. */
const PERSONAL_KEYS = new Set(['token', 'email', 'q', 'next']);

/** An at sign, its full-width form, or the spellings people use to dodge address harvesters. */
const ADDRESS_MARK = /@|\uFF20|\(at\)|\[at\]/i;

/** A path segment, query key or value that is or holds an email address, however often percent-encoded. */
const looksLikeAddress = (value: string): boolean => ADDRESS_MARK.test(decodeRepeatedly(value));

export function redactUrl(url: string): string {
  const tokensHidden = url.replace(TOKEN_IN_PATH, '/$1/[token]');
  const query = tokensHidden.indexOf('?');
  const path = (query < 0 ? tokensHidden : tokensHidden.slice(0, query))
    .split('/')
    .map((segment) => (looksLikeAddress(segment) ? '[redacted]' : segment))
    .join('/');
  if (query < 0) return path;
  const redacted = tokensHidden
    .slice(query + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const key = equals < 0 ? pair : pair.slice(0, equals);
      const value = equals < 0 ? '' : pair.slice(equals + 1);
      if (looksLikeAddress(key)) return '[redacted]';
      return PERSONAL_KEYS.has(safeDecode(key).toLowerCase()) || looksLikeAddress(value) ? `${key}=[redacted]` : pair;
    });
  return `${path}?${redacted.join('&')}`;
}

/** Decodes until nothing changes (at most three times: `%2540` is `%40` is `@`). */
function decodeRepeatedly(text: string): string {
  let decoded = text;
  for (let round = 0; round < 3; round += 1) {
    const next = safeDecode(decoded);
    if (next === decoded) break;
    decoded = next;
  }
  return decoded;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * Something shaped like an email address: a local part (without the URL delimiters = & ?), an at sign (`@`, its full-width form, or
 * percent-encoded once or twice), and a domain ending in a name (so `pkg@1.2.3` is not one).
 */
const EMAIL_LIKE = /[\p{L}\p{N}._%+!#$'*^`{|}~-]+(?:@|\uFF20|%(?:25)?40)(?:[\p{L}\p{N}-]+\.)+(?:\p{L}{2,}|xn--[\p{L}\p{N}-]+)/giu;
/** A cheap test first: most lines hold no at sign in any spelling. */
const MAY_HOLD_ADDRESS = /@|\uFF20|%(?:25)?40/i;

export const redactAddresses = (text: string): string => text.replace(EMAIL_LIKE, '[email]');

function redactDeep(value: unknown): unknown {
  if (typeof value === 'string') return redactAddresses(value);
  if (Array.isArray(value)) return value.map(redactDeep);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [redactAddresses(key), redactDeep(inner)]));
  return value;
}

/**
 * The last step before a line is written: every string in it (the message, each field, an
 * error's message and stack, keys too) with addresses replaced. Central, so no call site (an SMTP
 * reply quoting the recipient, an error naming an address) can leak one.
 */
export function redactLogLine(line: string): string {
  if (!MAY_HOLD_ADDRESS.test(line)) return line;
  return `${JSON.stringify(redactDeep(JSON.parse(line)))}\n`;
}

/** Logs to stdout by default; CLI commands log to stderr so their output stays clean. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({
    level,
    hooks: { streamWrite: redactLogLine },
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', '*.email', '*.password', 'email', 'password', 'to'],
      censor: '[redacted]',
    },
  }, destination);
}

import pino, { type Logger } from 'pino';

/** Paths of request logs that carry secrets: a token in a confirm/withdraw link is a credential. */
const TOKEN_IN_PATH = /\/(signatures\/(?:confirm|withdraw))\/[^/?#]+/g;

export function redactUrl(url: string): string {
  return url.replace(TOKEN_IN_PATH, '/$1/[token]').replace(/([?&](?:token|email)=)[^&#]*/gi, '$1[redacted]');
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

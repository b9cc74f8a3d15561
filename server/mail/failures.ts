import { MailRenderError } from './compose.js';

/**
 * What a failed send means. Only a refusal of this message or its recipient is final; anything
 * that says the mail server (or our way to it) is not working — a refused login, TLS, a dropped or
 * hung connection, a 4xx — is temporary, and when it concerns the server rather than the message,
 * it stops every mail alike, so it is an outage for the dashboard rather than a fact about one mail.
 */
export interface SendFailure {
  /** Final for this mail: it will never be tried again. */
  permanent: boolean;
  /** What an operator should hear when the server, not the message, is the trouble. */
  outage: string | undefined;
  /** The server's reply or the error, kept with the mail (at most 500 characters). */
  reason: string;
}

interface SmtpError {
  code?: unknown;
  responseCode?: unknown;
  command?: unknown;
  message?: unknown;
}

const LOGIN_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2']);
const TLS_CODES = new Set(['ETLS', 'EREQUIRETLS']);
/** 530 authentication required, 534/538 mechanism refused, 535 credentials refused, 454 temporary auth failure. */
const LOGIN_REPLIES = new Set([454, 530, 534, 535, 538]);

function outageOf(error: SmtpError, responseCode: number | undefined): string | undefined {
  const code = typeof error.code === 'string' ? error.code : '';
  const command = typeof error.command === 'string' ? error.command.toUpperCase() : '';
  if (LOGIN_CODES.has(code) || (responseCode !== undefined && LOGIN_REPLIES.has(responseCode))) return 'the SMTP server refused the login';
  if (TLS_CODES.has(code)) return 'TLS with the SMTP server failed';
  if (code === 'ETIMEDOUT') return 'the SMTP server did not answer in time';
  if (responseCode === undefined) return 'the SMTP server cannot be reached';
  if (responseCode === 421) return 'the SMTP server is not accepting mail now';
  if (command === 'CONN' || command === 'EHLO' || command === 'HELO') return 'the SMTP server refused the connection';
  if (responseCode >= 500 && command.startsWith('MAIL')) return 'the SMTP server refused the sender address (MAIL_FROM)';
  return undefined;
}

export function classifySendFailure(error: unknown): SendFailure {
  // Nothing was said to the mail server: it tells nothing about it.
  if (error instanceof MailRenderError) return { permanent: true, outage: undefined, reason: error.message.slice(0, 500) };
  const smtp: SmtpError = typeof error === 'object' && error !== null ? (error as SmtpError) : {};
  const message = typeof smtp.message === 'string' ? smtp.message : String(error);
  const responseCode = typeof smtp.responseCode === 'number' ? smtp.responseCode : undefined;
  const outage = outageOf(smtp, responseCode);
  const permanent = outage === undefined && responseCode !== undefined && responseCode >= 500 && responseCode !== 503;
  return { permanent, outage, reason: message.slice(0, 500) };
}

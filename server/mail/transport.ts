import nodemailer from 'nodemailer';
import type { Config } from '../config.js';
import type { ComposedMail } from './compose.js';

export interface MailTransport {
  /** 'dev' keeps mail in the outbox for /dev/mail instead of delivering it. */
  readonly kind: 'smtp' | 'dev';
  /** How many mails may be handed over at once (the connection pool's size). */
  readonly concurrency: number;
  send(mail: ComposedMail): Promise<void>;
  close(): void;
}

export interface SmtpSettings {
  url: string;
  from: string;
  maxConnections: number;
  connectionTimeoutMs: number;
  greetingTimeoutMs: number;
  socketTimeoutMs: number;
}

/** The transport the configuration asks for: SMTP when SMTP_URL is set, else the development outbox. */
export function createMailTransport(config: Config): MailTransport {
  const { smtpUrl } = config;
  return smtpUrl ? createSmtpTransport(smtpSettingsOf({ ...config, smtpUrl })) : createDevTransport(config.mailFrom);
}

export const smtpSettingsOf = (config: Config & { smtpUrl: string }): SmtpSettings => ({
  url: config.smtpUrl,
  from: config.mailFrom,
  maxConnections: config.smtpMaxConnections,
  connectionTimeoutMs: config.smtpConnectionTimeoutSeconds * 1000,
  greetingTimeoutMs: config.smtpGreetingTimeoutSeconds * 1000,
  socketTimeoutMs: config.smtpSocketTimeoutSeconds * 1000,
});

/**
 * No mail reads a file or fetches a URL: every part is a string we rendered. Set on every
 * transporter, development's included, so a message that tried would fail the same way everywhere.
 */
const NO_FILE_OR_URL_ACCESS = { disableFileAccess: true, disableUrlAccess: true } as const;

/**
 * The connection options, spelled out from the parsed URL. nodemailer before 10 dropped every key
 * given next to `url` (the pool and the timeouts with them), so nothing here relies on it merging them.
 */
export function smtpTransportOptions(settings: SmtpSettings) {
  const url = new URL(settings.url);
  const secure = url.protocol === 'smtps:';
  const user = decodeURIComponent(url.username);
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(user ? { auth: { user, pass: decodeURIComponent(url.password) } } : {}),
    pool: true as const,
    maxConnections: settings.maxConnections,
    // nodemailer retires a pooled connection after 100 mails by default and opens the next one
    // while the old one is still saying QUIT: one connection over the limit during a surge.
    // Connections stay until the server or an idle timeout ends them.
    maxMessages: Infinity,
    connectionTimeout: settings.connectionTimeoutMs,
    greetingTimeout: settings.greetingTimeoutMs,
    socketTimeout: settings.socketTimeoutMs,
    ...NO_FILE_OR_URL_ACCESS,
  };
}

/** The configured SMTP transporter itself; `createSmtpTransport` wraps it for the outbox worker. */
export const createSmtpMailer = (settings: SmtpSettings) => nodemailer.createTransport(smtpTransportOptions(settings));

const messageOf = (mail: ComposedMail, from: string) => ({
  from,
  to: mail.toAddress,
  subject: mail.subject,
  text: mail.textBody,
  html: mail.htmlBody,
  messageId: mail.messageId,
  headers: { 'Auto-Submitted': 'auto-generated', 'Content-Language': mail.lang, ...mail.headers },
});

export function createSmtpTransport(settings: SmtpSettings): MailTransport {
  const transporter = createSmtpMailer(settings);
  return {
    kind: 'smtp',
    concurrency: settings.maxConnections,
    async send(mail) {
      await transporter.sendMail(messageOf(mail, settings.from));
    },
    close: () => transporter.close(),
  };
}

/**
 * Development keeps mail in the outbox for /dev/mail. Each mail is still composed by nodemailer
 * with the production options, so a mail that would fail to build in production fails here too.
 */
export function createDevTransport(from = 'Undersigned <no-reply@undersigned.localhost>'): MailTransport {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, ...NO_FILE_OR_URL_ACCESS });
  return {
    kind: 'dev',
    concurrency: 4,
    async send(mail) {
      await composer.sendMail(messageOf(mail, from));
    },
    close: () => composer.close(),
  };
}

import { createViewEngine, type ViewEngine } from '../web/render.js';
import { DEFAULT_LANGUAGE, translatorFor, type Translator } from '../web/i18n.js';
import { speaking } from '../web/language.js';
import type { OutboxRow } from './table.js';

/** The language a mail is written in: the signer's (`lang` in its content), when the site speaks it. */
const mailTranslator = (content: { lang?: unknown }): Translator => translatorFor(typeof content.lang === 'string' ? content.lang : DEFAULT_LANGUAGE);

/** Each kind of mail with its subject, in the mail's language (locales/*.json `mail.subjects`). */
const subject = (kind: string) => (it: MailContent) => mailTranslator(it).t(`mail.subjects.${kind}`, { title: it.letterTitle, subject: String(it.updateSubject ?? '') });

export const MAIL_SUBJECTS = {
  'confirm-signature': subject('confirm-signature'),
  'already-signed': subject('already-signed'),
  'signature-confirmed': subject('signature-confirmed'),
  'confirm-reminder': subject('confirm-reminder'),
  'confirm-endorsement': subject('confirm-endorsement'),
  // The organisers' own subject, only its wrapper in the mail's language.
  update: subject('update'),
  'invite-signature': subject('invite-signature'),
} as const;

/**
 * Headers a kind of mail carries besides the usual ones. Update mails are bulk mail a signer asked
 * for: RFC 2369's List-Unsubscribe with RFC 8058's one-click POST, which mail providers show as an
 * unsubscribe button and post to without the person opening anything.
 */
const MAIL_HEADERS: Partial<Record<MailKind, (it: MailContent) => Record<string, string>>> = {
  update: (it) => ({ 'List-Unsubscribe': `<${String(it.unsubscribeUrl)}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }),
};

export type MailKind = keyof typeof MAIL_SUBJECTS;

/** What a mail says, kept in the outbox until it is sent: the values its templates fill in, and `lang`, the language it is written in. */
export type MailContent = { letterTitle: string; lang?: string } & Record<string, string | number | boolean | null>;

/** A mail about to be handed to the transport: both parts rendered, the language they are in (Content-Language) and any headers of its kind. */
export type ComposedMail = OutboxRow & { textBody: string; htmlBody: string; lang: string; headers?: Record<string, string> };

/** The templates mail is rendered with, wherever the outbox worker runs: every value a mail uses is in its content. */
export const createMailViews = (): ViewEngine => createViewEngine({ cache: true, globals: {} });

/** Renders both parts of a message from views/mail/<kind>.text.eta and .html.eta. */
export function renderMail(views: ViewEngine, kind: MailKind, content: MailContent): { subject: string; textBody: string; htmlBody: string; lang: string; headers: Record<string, string> } {
  const subject = MAIL_SUBJECTS[kind](content);
  const language = speaking(mailTranslator(content));
  return {
    subject,
    lang: language.lang,
    headers: MAIL_HEADERS[kind]?.(content) ?? {},
    textBody: views.render(`mail/${kind}.text.eta`, { ...content, subject, ...language }),
    htmlBody: views.render(`mail/${kind}.html.eta`, { ...content, subject, ...language }),
  };
}

const isMailKind = (kind: string): kind is MailKind => Object.hasOwn(MAIL_SUBJECTS, kind);

/** A queued mail that cannot be rendered (its content unreadable, a template failing on it): it never will be, so it fails for good. */
export class MailRenderError extends Error {
  constructor(cause: unknown) {
    super(`the mail could not be rendered: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'MailRenderError';
  }
}

/**
 * The mail an outbox row stands for. A row holds what the mail says (`content`), rendered here at
 * sending time, off the request that queued it; a row queued before that keeps its rendered parts.
 */
export function composeOutboxMail(views: ViewEngine, row: OutboxRow): ComposedMail {
  if (row.content === null && row.textBody !== null && row.htmlBody !== null) return { ...row, textBody: row.textBody, htmlBody: row.htmlBody, lang: DEFAULT_LANGUAGE };
  try {
    if (row.content === null) throw new Error('the row holds neither its content nor its parts');
    if (!isMailKind(row.kind)) throw new Error(`no templates for mail of kind "${row.kind}"`);
    return { ...row, ...renderMail(views, row.kind, JSON.parse(row.content) as MailContent) };
  } catch (error) {
    throw new MailRenderError(error);
  }
}

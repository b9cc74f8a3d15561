import { randomBytes } from 'node:crypto';
import { inArray, sql, type SQLWrapper } from 'drizzle-orm';
import type { Tx } from '../db/database.js';
import { insertRow } from '../db/prepared.js';
import type { ViewEngine } from '../web/render.js';
import { outbox } from './table.js';

export const MAIL_SUBJECTS = {
  'confirm-signature': (it: { letterTitle: string }) => `Confirm your signature: ${it.letterTitle}`,
  'already-signed': (it: { letterTitle: string }) => `You have already signed: ${it.letterTitle}`,
  'signature-confirmed': (it: { letterTitle: string }) => `Thank you for signing: ${it.letterTitle}`,
  'confirm-reminder': (it: { letterTitle: string }) => `Reminder: confirm your signature on ${it.letterTitle}`,
} as const;

export type MailKind = keyof typeof MAIL_SUBJECTS;

export interface MailMessage {
  kind: MailKind;
  to: string;
  subject: string;
  text: string;
  html: string;
  signatureId?: number;
}

/** Renders both parts of a message from views/mail/<kind>.text.eta and .html.eta. */
export function composeMail(
  views: ViewEngine,
  kind: MailKind,
  to: string,
  data: { letterTitle: string } & Record<string, unknown>,
  signatureId?: number,
): MailMessage {
  const subject = MAIL_SUBJECTS[kind](data);
  return {
    kind,
    to,
    subject,
    text: views.render(`mail/${kind}.text.eta`, { ...data, subject }),
    html: views.render(`mail/${kind}.html.eta`, { ...data, subject }),
    ...(signatureId === undefined ? {} : { signatureId }),
  };
}

/** Queues a mail; call inside the transaction of the change that causes it so both land or neither. */
export function enqueueMail(tx: Tx, message: MailMessage, now: Date, messageDomain: string): Promise<void> {
  return insertRow(tx, outbox, {
    kind: message.kind,
    signatureId: message.signatureId ?? null,
    toAddress: message.to,
    subject: message.subject,
    textBody: message.text,
    htmlBody: message.html,
    messageId: `<${randomBytes(16).toString('hex')}@${messageDomain}>`,
    nextAttemptAt: now,
    createdAt: now,
  });
}

/**
 * Deletes every outbox row, queued or delivered, caused by these signatures: mails hold the
 * signer's address, name and live links, so they go when the signature or its details go.
 */
export async function deleteMailsForSignatures(tx: Tx, signatureIds: number[] | SQLWrapper): Promise<number> {
  return (await tx.delete(outbox).where(inArray(outbox.signatureId, signatureIds)).returning({ id: outbox.id })).length;
}

/** Deletes every outbox row addressed to one of these addresses, compared without case. */
export async function deleteMailsTo(tx: Tx, addresses: string[]): Promise<number> {
  const lowered = [...new Set(addresses.map((address) => address.toLowerCase()))];
  return (await tx.delete(outbox).where(inArray(sql`lower(${outbox.toAddress})`, lowered)).returning({ id: outbox.id })).length;
}

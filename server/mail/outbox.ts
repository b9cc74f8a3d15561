import { randomBytes } from 'node:crypto';
import { inArray, sql, type SQLWrapper } from 'drizzle-orm';
import type { Tx } from '../db/database.js';
import { insertRow } from '../db/prepared.js';
import { MAIL_SUBJECTS, type MailContent, type MailKind } from './compose.js';
import { outbox } from './table.js';

/** A mail to queue: its kind, recipient and what it says (rendered when it is sent). */
export interface MailToQueue {
  kind: MailKind;
  to: string;
  content: MailContent;
  signatureId?: number;
}

/**
 * Queues a mail; call inside the transaction of the change that causes it so both land or neither.
 * Only what the mail says is stored: the worker renders it (see composeOutboxMail).
 */
export function enqueueMail(tx: Tx, mail: MailToQueue, now: Date, messageDomain: string): Promise<void> {
  return insertRow(tx, outbox, {
    kind: mail.kind,
    signatureId: mail.signatureId ?? null,
    toAddress: mail.to,
    subject: MAIL_SUBJECTS[mail.kind](mail.content),
    content: JSON.stringify(mail.content),
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

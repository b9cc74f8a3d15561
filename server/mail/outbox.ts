import { randomBytes } from 'node:crypto';
import { and, count, eq, inArray, sql, type SQLWrapper } from 'drizzle-orm';
import { first, type Reader, type Tx } from '../db/database.js';
import { insertReturning } from '../db/prepared.js';
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
export async function enqueueMail(tx: Tx, mail: MailToQueue, now: Date, messageDomain: string): Promise<number> {
  const row = await insertReturning(tx, outbox, {
    kind: mail.kind,
    signatureId: mail.signatureId ?? null,
    toAddress: mail.to,
    subject: MAIL_SUBJECTS[mail.kind](mail.content),
    content: JSON.stringify(mail.content),
    messageId: `<${randomBytes(16).toString('hex')}@${messageDomain}>`,
    nextAttemptAt: now,
    createdAt: now,
  });
  return row.id;
}

/** How many of these outbox rows are still to send (queued or being sent), and how many were sent. */
export async function outboxProgress(db: Reader, ids: SQLWrapper): Promise<{ waiting: number; sent: number }> {
  const rows = await db.select({ state: outbox.state, n: count() }).from(outbox).where(inArray(outbox.id, ids)).groupBy(outbox.state);
  const of = (state: string) => rows.filter((row) => row.state === state).reduce((sum, row) => sum + row.n, 0);
  return { waiting: of('queued') + of('sending'), sent: of('sent') };
}

/** How many mails of a kind wait to be sent: what the update filler keeps under its limit. */
export const waitingMailsOfKind = async (db: Reader, kind: MailKind): Promise<number> =>
  (await first(db.select({ n: count() }).from(outbox).where(and(eq(outbox.kind, kind), inArray(outbox.state, ['queued', 'sending'])))))?.n ?? 0;

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

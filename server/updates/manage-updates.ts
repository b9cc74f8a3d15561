import { and, count, desc, eq } from 'drizzle-orm';
import type { Context } from '../context.js';
import { first, one, type Reader } from '../db/database.js';
import { insertReturning } from '../db/prepared.js';
import { AppError, notFound } from '../web/errors.js';
import type { UpdateForm } from './forms.js';
import { letterUpdates, updateDeliveries, type LetterUpdateRow } from './table.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { bumpPublicRevision, findLetter, type LetterRow } from '../letters/index.js';
import { outboxProgress } from '../mail/index.js';
import { countUpdateRecipients, highestSignatureId } from '../signatures/index.js';

export interface UpdateProgress {
  /** Mails queued so far (one per recipient, never more). */
  queued: number;
  /** Of those, handed to the mail server. */
  sent: number;
}

export type UpdateWithProgress = LetterUpdateRow & UpdateProgress;

const updateOf = async (db: Reader, letter: LetterRow, id: number): Promise<LetterUpdateRow> => {
  const row = await first(db.select().from(letterUpdates).where(and(eq(letterUpdates.id, id), eq(letterUpdates.letterId, letter.id))));
  if (!row) throw notFound('update');
  return row;
};

async function progressOf(db: Reader, update: LetterUpdateRow): Promise<UpdateProgress> {
  if (update.state === 'draft') return { queued: 0, sent: 0 };
  const deliveries = db.select({ id: updateDeliveries.outboxId }).from(updateDeliveries).where(eq(updateDeliveries.updateId, update.id));
  const queued = (await first(db.select({ n: count() }).from(updateDeliveries).where(eq(updateDeliveries.updateId, update.id))))?.n ?? 0;
  return { queued, sent: (await outboxProgress(db, deliveries)).sent };
}

/** A letter's updates, newest first, each with how far its sending got. */
export async function listUpdates(ctx: Context, slug: string): Promise<{ letter: LetterRow; updates: UpdateWithProgress[] }> {
  const letter = await findLetter(ctx.db, slug);
  const rows = await ctx.db.select().from(letterUpdates).where(eq(letterUpdates.letterId, letter.id)).orderBy(desc(letterUpdates.id));
  const updates = await Promise.all(rows.map(async (row) => ({ ...row, ...(await progressOf(ctx.db, row)) })));
  return { letter, updates };
}

/** One update with its progress and, for a draft, how many signers it would go to if sent now. */
export async function viewUpdate(ctx: Context, slug: string, id: number): Promise<{ letter: LetterRow; update: UpdateWithProgress; recipients: number }> {
  const letter = await findLetter(ctx.db, slug);
  const update = await updateOf(ctx.db, letter, id);
  const through = update.lastSignatureId ?? (await highestSignatureId(ctx.db));
  return { letter, update: { ...update, ...(await progressOf(ctx.db, update)) }, recipients: await countUpdateRecipients(ctx.db, letter.id, through) };
}

const notADraft = (): AppError => new AppError('update_already_sent', 409, 'This update has been sent already; it is sent once and can no longer be changed.');

/** An owner writes an update: it is stored as a draft, to preview before anything is sent. */
export async function draftUpdate(ctx: Context, slug: string, form: UpdateForm, actor: Actor): Promise<LetterUpdateRow> {
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    const letter = await findLetter(tx, slug);
    const update = await insertReturning(tx, letterUpdates, { letterId: letter.id, subject: form.subject, body: form.body, showOnLetter: form.showOnLetter, createdAt: now });
    await recordAudit(tx, { actor, action: 'update.draft', subject: `letter:${letter.slug}`, details: { updateId: update.id, subject: form.subject } }, now);
    return update;
  });
}

/** An owner changes a draft; a sent update never changes (its mails say what they said). */
export async function changeDraft(ctx: Context, slug: string, id: number, form: UpdateForm, actor: Actor): Promise<void> {
  const now = ctx.now();
  await ctx.db.write(async (tx) => {
    const letter = await findLetter(tx, slug);
    await updateOf(tx, letter, id);
    const changed = await tx.update(letterUpdates).set({ subject: form.subject, body: form.body, showOnLetter: form.showOnLetter }).where(and(eq(letterUpdates.id, id), eq(letterUpdates.state, 'draft'))).returning({ id: letterUpdates.id });
    if (changed.length === 0) throw notADraft();
    await recordAudit(tx, { actor, action: 'update.change', subject: `letter:${letter.slug}`, details: { updateId: id, subject: form.subject } }, now);
  });
}

/**
 * An owner sends an update: in one statement the draft becomes "sending", so a second press (a
 * double click, a resent form) finds no draft and sends nothing more. The mails are queued
 * afterwards by the filler, a batch at a time, to the signers there were when Send was pressed.
 * Returns whether this press sent it.
 */
export async function sendUpdate(ctx: Context, slug: string, id: number, actor: Actor): Promise<boolean> {
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    const letter = await findLetter(tx, slug);
    await updateOf(tx, letter, id);
    const lastSignatureId = await highestSignatureId(tx);
    const sent = await tx
      .update(letterUpdates)
      .set({ state: 'sending', sentAt: now, lastSignatureId })
      .where(and(eq(letterUpdates.id, id), eq(letterUpdates.state, 'draft')))
      .returning();
    const update = sent[0];
    if (!update) return false;
    if (update.showOnLetter) await bumpPublicRevision(tx, letter.id);
    const recipients = await countUpdateRecipients(tx, letter.id, lastSignatureId);
    await recordAudit(tx, { actor, action: 'update.send', subject: `letter:${letter.slug}`, details: { updateId: id, subject: update.subject, recipients } }, now);
    return true;
  });
}

/** An owner shows a sent update on the letter page, or takes it off. */
export async function showOnLetter(ctx: Context, slug: string, id: number, shown: boolean, actor: Actor): Promise<void> {
  const now = ctx.now();
  await ctx.db.write(async (tx) => {
    const letter = await findLetter(tx, slug);
    const update = await updateOf(tx, letter, id);
    if (update.showOnLetter === shown) return;
    await one(tx.update(letterUpdates).set({ showOnLetter: shown }).where(eq(letterUpdates.id, id)).returning({ id: letterUpdates.id }));
    if (update.state !== 'draft') await bumpPublicRevision(tx, letter.id);
    await recordAudit(tx, { actor, action: shown ? 'update.show' : 'update.hide', subject: `letter:${letter.slug}`, details: { updateId: id } }, now);
  });
}

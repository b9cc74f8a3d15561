import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Context } from '../context.js';
import { first, type Tx } from '../db/database.js';
import { renderMarkdown } from '../lib/markdown.js';
import { letterUpdates, updateDeliveries, type LetterUpdateRow } from './table.js';
import { findLetterById } from '../letters/index.js';
import { enqueueMail, waitingMailsOfKind } from '../mail/index.js';
import { issueUnsubscribeToken, updateRecipientsAfter } from '../signatures/index.js';

export interface FillLimits {
  /** Most mails queued by one call. */
  batchSize: number;
  /** No more are queued while this many update mails wait to be sent: the outbox drains at the mail server's pace. */
  backlogLimit: number;
}

/**
 * How fast update mail goes: the filler runs every FILL_INTERVAL_MS and queues at most a sixth of
 * UPDATE_MAILS_PER_MINUTE each time, and none while a minute's worth is still waiting to be sent.
 */
export const FILL_INTERVAL_MS = 10_000;
export const fillLimitsOf = (mailsPerMinute: number): FillLimits => ({ batchSize: Math.max(1, Math.ceil(mailsPerMinute / 6)), backlogLimit: mailsPerMinute });

/**
 * Queues the next mails of updates being sent, oldest update first, within `limits`. Each batch is
 * one transaction: its deliveries, unsubscribe tokens, outbox rows and the update's place move
 * together. A recipient with a delivery row is never queued again, so a crash between batches, a
 * lost place, or two processes filling at once can never mail anyone twice. Returns how many were queued.
 */
export async function fillUpdateOutbox(ctx: Context, limits: FillLimits): Promise<number> {
  let room = Math.min(limits.batchSize, limits.backlogLimit - (await waitingMailsOfKind(ctx.db, 'update')));
  let queued = 0;
  while (room > 0) {
    const update = await first(ctx.db.select().from(letterUpdates).where(eq(letterUpdates.state, 'sending')).orderBy(asc(letterUpdates.id)));
    if (!update) break;
    const batch = await ctx.db.write((tx) => fillBatch(ctx, tx, update.id, room));
    queued += batch;
    room -= batch;
  }
  if (queued > 0) ctx.notifyOutbox();
  return queued;
}

async function fillBatch(ctx: Context, tx: Tx, updateId: number, limit: number): Promise<number> {
  const now = ctx.now();
  const update = await first(tx.select().from(letterUpdates).where(and(eq(letterUpdates.id, updateId), eq(letterUpdates.state, 'sending'))));
  if (!update) return 0;
  const through = update.lastSignatureId ?? 0;
  const recipients = await updateRecipientsAfter(tx, update.letterId, update.filledThrough, through, limit);
  const already = recipients.length === 0 ? new Set<number>() : new Set(
    (await tx.select({ id: updateDeliveries.signatureId }).from(updateDeliveries).where(and(eq(updateDeliveries.updateId, update.id), inArray(updateDeliveries.signatureId, recipients.map((r) => r.id))))).map((row) => row.id),
  );
  const mail = await mailOf(ctx, tx, update);
  let queued = 0;
  for (const recipient of recipients) {
    if (already.has(recipient.id)) continue;
    const unsubscribeUrl = `${ctx.config.baseUrl}/unsubscribe/${await issueUnsubscribeToken(tx, recipient.id, now)}`;
    const outboxId = await enqueueMail(tx, { kind: 'update', to: recipient.email, content: { ...mail, lang: recipient.lang, name: recipient.name, unsubscribeUrl }, signatureId: recipient.id }, now, new URL(ctx.config.baseUrl).hostname);
    await tx.insert(updateDeliveries).values({ updateId: update.id, signatureId: recipient.id, outboxId, queuedAt: now });
    queued += 1;
  }
  const done = recipients.length < limit;
  const place = done ? through : (recipients.at(-1)?.id ?? update.filledThrough);
  await tx.update(letterUpdates).set({ filledThrough: place, ...(done ? { state: 'sent' as const, finishedAt: now } : {}) }).where(eq(letterUpdates.id, update.id));
  // A batch whose recipients were all queued before (a lost place) queues none but still moves the place on.
  return queued;
}

/** What every mail of an update says, rendered once per batch. */
async function mailOf(ctx: Context, tx: Tx, update: LetterUpdateRow) {
  const letter = await findLetterById(tx, update.letterId);
  return {
    letterTitle: letter.title,
    updateSubject: update.subject,
    bodyText: update.body,
    bodyHtml: renderMarkdown(update.body),
    letterUrl: `${ctx.config.baseUrl}/letters/${letter.slug}`,
  };
}

export interface UpdateFiller {
  /** One fill now (the timer's work); resolves with how many mails it queued. */
  runOnce(): Promise<number>;
  /** Stops the timer; resolves once a run under way has finished (before the database closes). */
  stop(): Promise<void>;
}

/**
 * The server's filler: every FILL_INTERVAL_MS it queues the next mails of updates being sent
 * (UPDATE_MAILS_PER_MINUTE; 0 = never, for tests and scripts that fill by hand). Several
 * processes may each run one: the delivery rows keep every recipient to one mail. A failing run
 * is logged and tried again next time.
 */
export function startUpdateFiller(ctx: Context, mailsPerMinute: number): UpdateFiller {
  const limits = fillLimitsOf(mailsPerMinute);
  let running: Promise<number> | undefined;
  const runOnce = (): Promise<number> =>
    (running ??= fillUpdateOutbox(ctx, limits)
      .catch((error: unknown) => {
        ctx.logger.error({ err: error }, 'queuing update mails failed');
        return 0;
      })
      .finally(() => {
        running = undefined;
      }));
  const finished = async () => {
    await running;
  };
  if (mailsPerMinute === 0) return { runOnce, stop: finished };
  const timer = setInterval(() => void runOnce(), FILL_INTERVAL_MS);
  timer.unref();
  return {
    runOnce,
    stop: () => {
      clearInterval(timer);
      return finished();
    },
  };
}

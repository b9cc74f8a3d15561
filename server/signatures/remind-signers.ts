import { and, eq, gt, isNull, lt, lte } from 'drizzle-orm';
import type { Context } from '../context.js';
import { letterAsSignerRead, sendConfirmationMail } from './sign-letter.js';
import { signatures } from './table.js';
import { isAcceptingSignatures, listOpenLetters } from '../letters/index.js';

const HOUR = 60 * 60 * 1000;
/** Reminders per transaction, so a backlog never holds the write lock for long. */
const BATCH = 200;

/**
 * Sends the one reminder each unconfirmed signer gets, REMINDER_HOURS after signing, with a fresh
 * confirmation link. Never a second one (reminder_sent_at), never once the letter stops taking
 * signatures or its organisers turned reminders off, never past the per-signature mail cap, never
 * once the first link has expired.
 * Queues at most `limit` (the scheduler works through a backlog in slices so page requests are
 * served in between). Returns how many were queued.
 */
export async function sendDueReminders(ctx: Context, limit = Number.POSITIVE_INFINITY): Promise<number> {
  if (ctx.config.reminderHours === 0) return 0;
  const now = ctx.now();
  const signedBy = new Date(now.getTime() - ctx.config.reminderHours * HOUR);
  // Past the life of its first link a signature gets no reminder: the fresh link would hold it
  // back from retention (see unconfirmedDue) for someone who long since moved on.
  const signedAfter = new Date(now.getTime() - ctx.config.confirmTokenDays * 24 * HOUR);
  const letters = (await listOpenLetters(ctx.db, now)).filter((letter) => letter.remindersEnabled && isAcceptingSignatures(letter, now));
  let sent = 0;
  for (const letter of letters) {
    let batch: number;
    do {
      batch = await ctx.db.write(async (tx) => {
        const due = await tx
          .select({ id: signatures.id, email: signatures.email, name: signatures.name, versionId: signatures.versionId, lang: signatures.lang })
          .from(signatures)
          .where(
            and(
              eq(signatures.letterId, letter.id),
              eq(signatures.state, 'unconfirmed'),
              isNull(signatures.reminderSentAt),
              lte(signatures.signedAt, signedBy),
              gt(signatures.signedAt, signedAfter),
              lt(signatures.mailsSent, ctx.config.maxMailsPerSignature),
            ),
          )
          .limit(Math.min(BATCH, limit - sent));
        for (const signature of due) {
          await sendConfirmationMail(ctx, tx, await letterAsSignerRead(tx, letter, signature), signature, 'confirm-reminder');
          await tx.update(signatures).set({ reminderSentAt: now }).where(eq(signatures.id, signature.id));
        }
        return due.length;
      });
      sent += batch;
    } while (batch === BATCH && sent < limit);
    if (sent >= limit) break;
  }
  if (sent > 0) ctx.notifyOutbox();
  return sent;
}

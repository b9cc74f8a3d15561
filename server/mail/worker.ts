import { eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { preparedPerConnection } from '../db/prepared.js';
import { outbox, type OutboxRow } from './table.js';
import { isPermanentFailure, type MailTransport } from './transport.js';

export interface OutboxWorkerOptions {
  db: Db;
  transport: MailTransport;
  logger: Logger;
  now: () => Date;
  retryHours: number;
  /** Sent mails hold live links; outside development their bodies are erased once delivered. */
  eraseSentBodies: boolean;
  pollMs?: number;
  batchSize?: number;
}

export interface OutboxWorker {
  start(): void;
  /** Runs soon instead of at the next poll. */
  notify(): void;
  /** Sends everything due now; resolves with the number of mails attempted. */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

const LOCK_MS = 2 * 60 * 1000;
const FIRST_RETRY_MS = 30 * 1000;
const LONGEST_RETRY_MS = 60 * 60 * 1000;

/**
 * Moves up to `limit` rows matching `due` to "sending", oldest due first, and returns them.
 * The placeholders `at` and `lockedUntil` are raw SQL, bound as epoch milliseconds.
 */
const claimWhere = (due: SQL, order: SQLiteColumn) =>
  preparedPerConnection((db) => {
    const rows = db.select({ id: outbox.id }).from(outbox).where(due).orderBy(order).limit(sql.placeholder('limit'));
    return db
      .update(outbox)
      .set({ state: 'sending', lockedUntil: sql`${sql.placeholder('lockedUntil')}`, attempts: sql`${outbox.attempts} + 1` })
      .where(inArray(outbox.id, rows))
      .returning()
      .prepare();
  });

// Two queries, not one with OR: the queued rows are then read from outbox_due_idx in order, where
// the OR made SQLite sort every due row on each claim, so a backlog slowed every claim. The stale
// rows are sorted, but only the few in "sending" are read.
const claimQueued = claimWhere(sql`${outbox.state} = 'queued' AND ${outbox.nextAttemptAt} <= ${sql.placeholder('at')}`, outbox.nextAttemptAt);
/** Rows whose sender died mid-send: retried once their lock lapses. */
const claimStale = claimWhere(sql`${outbox.state} = 'sending' AND ${outbox.lockedUntil} < ${sql.placeholder('at')}`, outbox.lockedUntil);

export const retryDelayMs = (attempts: number): number => Math.min(FIRST_RETRY_MS * 2 ** Math.max(attempts - 1, 0), LONGEST_RETRY_MS);

export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { db, transport, logger, now } = options;
  const batchSize = options.batchSize ?? 20;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = false;

  /** Claims due rows, so two workers (or a restarted one) never send a row twice at once. */
  const claim = (): OutboxRow[] => {
    const at = now();
    const claimed = { lockedUntil: at.getTime() + LOCK_MS, at: at.getTime() };
    return db.transaction((tx) => {
      const stale = claimStale(tx).all({ ...claimed, limit: batchSize });
      return stale.length < batchSize ? [...stale, ...claimQueued(tx).all({ ...claimed, limit: batchSize - stale.length })] : stale;
    });
  };

  /** What became of one mail: sent, failed for good, or queued again with back-off. */
  const outcomeOf = (mail: OutboxRow, error: unknown, at: Date): Partial<OutboxRow> => {
    if (error === undefined) return { state: 'sent', sentAt: at, lockedUntil: null, lastError: null, ...(options.eraseSentBodies ? { textBody: '', htmlBody: '' } : {}) };
    const reason = error instanceof Error ? error.message.slice(0, 500) : String(error).slice(0, 500);
    const expired = at.getTime() - mail.createdAt.getTime() >= options.retryHours * 60 * 60 * 1000;
    if (isPermanentFailure(error) || expired) {
      logger.warn({ outboxId: mail.id, kind: mail.kind, reason }, 'mail failed permanently');
      return { state: 'failed', lockedUntil: null, lastError: reason };
    }
    logger.info({ outboxId: mail.id, kind: mail.kind, attempts: mail.attempts, reason }, 'mail will be retried');
    return { state: 'queued', lockedUntil: null, lastError: reason, nextAttemptAt: new Date(at.getTime() + retryDelayMs(mail.attempts)) };
  };

  // Each outcome is stored as soon as its send settles: a delivered mail must not wait in
  // "sending" for the slowest of its batch, where a restart would send it again.
  const record = (mail: OutboxRow, error: unknown): void => {
    db.update(outbox).set(outcomeOf(mail, error, now())).where(eq(outbox.id, mail.id)).run();
  };

  const sendBatch = async (): Promise<number> => {
    const batch = claim();
    await Promise.all(
      batch.map((mail) =>
        transport.send(mail).then(
          () => record(mail, undefined),
          (error: unknown) => record(mail, error ?? new Error('unknown send failure')),
        ),
      ),
    );
    return batch.length;
  };

  const drain = async (): Promise<number> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      do {
        again = false;
        let sent: number;
        do {
          sent = await sendBatch();
          total += sent;
        } while (sent === batchSize && !stopped);
      } while (again && !stopped);
      return total;
    })();
    try {
      return await running;
    } catch (error) {
      logger.error({ err: error }, 'outbox worker run failed');
      return 0;
    } finally {
      running = undefined;
    }
  };

  return {
    start() {
      stopped = false;
      timer = setInterval(() => void drain(), options.pollMs ?? 1000);
      timer.unref();
      void drain();
    },
    notify() {
      if (!stopped && timer) setImmediate(() => void drain());
    },
    drain,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => 0);
      transport.close();
    },
  };
}

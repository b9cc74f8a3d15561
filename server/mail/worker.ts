import { and, eq, inArray, lt, lte, or, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
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

export const retryDelayMs = (attempts: number): number => Math.min(FIRST_RETRY_MS * 2 ** Math.max(attempts - 1, 0), LONGEST_RETRY_MS);

export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { db, transport, logger, now } = options;
  const batchSize = options.batchSize ?? 20;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = false;

  /** Claims due rows in one statement, so two workers (or a restarted one) never send a row twice at once. */
  const claim = (): OutboxRow[] => {
    const at = now();
    const due = db
      .select({ id: outbox.id })
      .from(outbox)
      .where(or(and(eq(outbox.state, 'queued'), lte(outbox.nextAttemptAt, at)), and(eq(outbox.state, 'sending'), lt(outbox.lockedUntil, at))))
      .orderBy(outbox.nextAttemptAt)
      .limit(batchSize);
    return db
      .update(outbox)
      .set({ state: 'sending', lockedUntil: new Date(at.getTime() + LOCK_MS), attempts: sql`${outbox.attempts} + 1` })
      .where(inArray(outbox.id, due))
      .returning()
      .all();
  };

  const record = (mail: OutboxRow, error: unknown): void => {
    const at = now();
    if (error === undefined) {
      const erased = options.eraseSentBodies ? { textBody: '', htmlBody: '' } : {};
      db.update(outbox).set({ state: 'sent', sentAt: at, lockedUntil: null, lastError: null, ...erased }).where(eq(outbox.id, mail.id)).run();
      return;
    }
    const reason = error instanceof Error ? error.message.slice(0, 500) : String(error).slice(0, 500);
    const expired = at.getTime() - mail.createdAt.getTime() >= options.retryHours * 60 * 60 * 1000;
    if (isPermanentFailure(error) || expired) {
      db.update(outbox).set({ state: 'failed', lockedUntil: null, lastError: reason }).where(eq(outbox.id, mail.id)).run();
      logger.warn({ outboxId: mail.id, kind: mail.kind, reason }, 'mail failed permanently');
      return;
    }
    const nextAttemptAt = new Date(at.getTime() + retryDelayMs(mail.attempts));
    db.update(outbox).set({ state: 'queued', lockedUntil: null, lastError: reason, nextAttemptAt }).where(eq(outbox.id, mail.id)).run();
    logger.info({ outboxId: mail.id, kind: mail.kind, attempts: mail.attempts, reason }, 'mail will be retried');
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

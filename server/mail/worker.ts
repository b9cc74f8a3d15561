import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Logger } from 'pino';
import type { Database, Tx } from '../db/database.js';
import { isDatabaseBusy } from '../db/errors.js';
import { skipLocked } from '../db/dialect.js';
import { preparedQuery } from '../db/prepared.js';
import { outbox, type OutboxRow } from './table.js';
import { classifySendFailure } from './failures.js';
import { composeOutboxMail } from './compose.js';
import type { ViewEngine } from '../web/render.js';
import type { MailTransport } from './transport.js';

export interface OutboxWorkerOptions {
  db: Database;
  transport: MailTransport;
  logger: Logger;
  now: () => Date;
  retryHours: number;
  /** Sent mails hold live links; outside development what they said is erased once delivered. */
  eraseSentBodies: boolean;
  /** The mail templates: a queued row holds what its mail says, rendered here when it is sent. */
  views: ViewEngine;
  pollMs?: number;
  batchSize?: number;
  /** Told when an outage or a wait for the database starts, changes or ends, for a process that shows it elsewhere. */
  onStateChange?: (state: OutboxWorkerState) => void;
}

/** What the worker last saw: for the dashboard and /healthz, wherever the worker runs. */
export interface OutboxWorkerState {
  outage: MailOutage | undefined;
  /** Since when another connection's write lock has kept the worker from claiming or recording mail. */
  waitingForDatabaseSince: Date | undefined;
}

/** An outage of the mail server as the worker last saw it; undefined while mail flows. */
export interface MailOutage {
  /** What is wrong, for the dashboard: "the SMTP server refused the login". */
  problem: string;
  since: Date;
  /** The server's last reply or error. */
  lastError: string;
}

export interface OutboxWorker {
  start(): void;
  /** Runs soon instead of at the next poll. */
  notify(): void;
  /** Sends everything due now; resolves with the number of mails attempted. */
  drain(): Promise<number>;
  stop(): Promise<void>;
  outage(): MailOutage | undefined;
  state(): OutboxWorkerState;
}

const LOCK_MS = 2 * 60 * 1000;
const FIRST_RETRY_MS = 30 * 1000;
const LONGEST_RETRY_MS = 60 * 60 * 1000;
/**
 * While the mail server is out the worker sends one probe at a time (the next due mail): after
 * 5 s, doubling per failed probe up to 5 minutes, so mail resumes soon after a fix without
 * hammering a dead server. The first probe that goes through ends the outage and everything due goes.
 */
const FIRST_PAUSE_MS = 5 * 1000;
const LONGEST_PAUSE_MS = 5 * 60 * 1000;
/**
 * While another process holds the write lock past busy_timeout (a long CLI job), the worker waits
 * and tries again: 1 s, doubling up to 15 s, each try itself waiting up to busy_timeout.
 */
const FIRST_DATABASE_RETRY_MS = 1000;
const LONGEST_DATABASE_RETRY_MS = 15 * 1000;

/**
 * Moves up to `limit` rows matching `due` to "sending", oldest due first, and returns them.
 * The placeholders `at` and `lockedUntil` are raw SQL, bound as epoch milliseconds. On
 * PostgreSQL rows another process is claiming are skipped, not waited for (skipLocked).
 */
const claimWhere = (due: SQL, order: SQLiteColumn) =>
  preparedQuery((tx: Tx) =>
    tx
      .update(outbox)
      .set({ state: 'sending', lockedUntil: sql`${sql.placeholder('lockedUntil')}`, attempts: sql`${outbox.attempts} + 1` })
      .where(sql`${outbox.id} IN (SELECT ${outbox.id} FROM ${outbox} WHERE ${due} ORDER BY ${order} LIMIT ${sql.placeholder('limit')}${skipLocked(tx)})`)
      .returning(),
  );

// Two queries, not one with OR: the queued rows are then read from outbox_due_idx in order, where
// the OR made SQLite sort every due row on each claim, so a backlog slowed every claim. The stale
// rows are sorted, but only the few in "sending" are read.
const claimQueued = claimWhere(sql`${outbox.state} = 'queued' AND ${outbox.nextAttemptAt} <= ${sql.placeholder('at')}`, outbox.nextAttemptAt);
/** Rows whose sender died mid-send: retried once their lock lapses. */
const claimStale = claimWhere(sql`${outbox.state} = 'sending' AND ${outbox.lockedUntil} < ${sql.placeholder('at')}`, outbox.lockedUntil);

export const retryDelayMs = (attempts: number): number => Math.min(FIRST_RETRY_MS * 2 ** Math.max(attempts - 1, 0), LONGEST_RETRY_MS);

/** The claim a worker holds on a row: the attempt number its claim wrote. A later claim writes a higher one. */
const leaseHeld = preparedQuery((db) =>
  db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.id, sql.placeholder('id')), eq(outbox.state, 'sending'), eq(outbox.attempts, sql.placeholder('attempts')))),
);

export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { db, transport, logger, now } = options;
  const batchSize = options.batchSize ?? 20;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = false;
  let outage: MailOutage | undefined;
  let failedProbes = 0;
  let pausedUntil = 0;
  let databaseWait: { since: Date; tries: number; retryAt: number } | undefined;

  const state = (): OutboxWorkerState => ({ outage, waitingForDatabaseSince: databaseWait?.since });
  const stateChanged = () => options.onStateChange?.(state());

  /** The write lock is held elsewhere: wait and try again, logged once per episode. Returns the wait. */
  const databaseBusy = (error: unknown): number => {
    const at = now();
    const tries = (databaseWait?.tries ?? 0) + 1;
    const waitMs = Math.min(FIRST_DATABASE_RETRY_MS * 2 ** (tries - 1), LONGEST_DATABASE_RETRY_MS);
    const starts = databaseWait === undefined;
    databaseWait = { since: databaseWait?.since ?? at, tries, retryAt: at.getTime() + waitMs };
    if (starts) {
      logger.warn({ reason: error instanceof Error ? error.message : String(error) }, 'mail is waiting for the database');
      stateChanged();
    }
    return waitMs;
  };

  const databaseAvailable = () => {
    if (!databaseWait) return;
    logger.info({ since: databaseWait.since }, 'mail is being processed again: the database is available');
    databaseWait = undefined;
    stateChanged();
  };

  /**
   * Claims due rows, so two workers (or a restarted one) never send a row twice at once. Each
   * claim adds one to `attempts`: that number is the claim's lease, and only its holder records.
   */
  const claim = async (limit: number): Promise<OutboxRow[]> => {
    const at = now();
    const claimed = { lockedUntil: at.getTime() + LOCK_MS, at: at.getTime() };
    const rows = await db.write(async (tx) => {
      const stale = await claimStale.rows(tx, { ...claimed, limit });
      return stale.length < limit ? [...stale, ...(await claimQueued.rows(tx, { ...claimed, limit: limit - stale.length }))] : stale;
    });
    databaseAvailable();
    return rows;
  };

  const stillHeld = async (mail: OutboxRow): Promise<boolean> => (await leaseHeld.first(db, { id: mail.id, attempts: mail.attempts })) !== undefined;

  /**
   * A send failed because the server is out. The wait before the next probe doubles only when the
   * outage starts or a probe fails: the other mails of a batch that were in flight when it started
   * are one discovery, not several.
   */
  const outageSeen = (problem: string, lastError: string, at: Date, probe: boolean) => {
    const starts = outage === undefined;
    if (starts || probe) {
      failedProbes += 1;
      pausedUntil = at.getTime() + Math.min(FIRST_PAUSE_MS * 2 ** (failedProbes - 1), LONGEST_PAUSE_MS);
    }
    outage = { problem, since: outage?.since ?? at, lastError };
    if (starts) logger.error({ problem, reason: lastError }, `mail is failing: ${problem}`);
    stateChanged();
  };

  const outageEnds = () => {
    const ended = outage;
    outage = undefined;
    if (ended) {
      logger.info({ since: ended.since }, 'mail is being delivered again');
      stateChanged();
    }
    failedProbes = 0;
    pausedUntil = 0;
  };

  /** What became of one mail: sent, failed for good, or queued again with back-off. */
  const outcomeOf = (mail: OutboxRow, error: unknown, at: Date): Partial<OutboxRow> => {
    if (error === undefined) return { state: 'sent', sentAt: at, lockedUntil: null, lastError: null, ...(options.eraseSentBodies ? { content: null, textBody: null, htmlBody: null } : {}) };
    const failure = classifySendFailure(error);
    const retry = (delayMs: number) => ({ state: 'queued' as const, lockedUntil: null, lastError: failure.reason, nextAttemptAt: new Date(at.getTime() + delayMs) });
    // An outage is not this mail's fault: it stays due, however long the outage lasts, and the
    // worker's pause paces the probes; every waiting mail goes out as soon as the server is back.
    if (failure.outage) return retry(0);
    const expired = at.getTime() - mail.createdAt.getTime() >= options.retryHours * 60 * 60 * 1000;
    if (failure.permanent || expired) {
      logger.warn({ outboxId: mail.id, kind: mail.kind, reason: failure.reason }, 'mail failed permanently');
      return { state: 'failed', lockedUntil: null, lastError: failure.reason };
    }
    logger.info({ outboxId: mail.id, kind: mail.kind, attempts: mail.attempts, reason: failure.reason }, 'mail will be retried');
    return retry(retryDelayMs(mail.attempts));
  };

  // Each outcome is stored as soon as its send settles: a delivered mail must not wait in
  // "sending" for the slowest of its batch, where a restart would send it again. It is stored
  // only while this worker still holds the row: a worker whose lease lapsed and was claimed
  // again elsewhere must not overwrite the newer holder's outcome.
  //
  // A mail that was handed over must have its outcome stored, or it is sent again once its lease
  // lapses: while the database is locked elsewhere, the worker keeps trying (until it stops).
  const record = async (mail: OutboxRow, error: unknown, probe: boolean): Promise<void> => {
    const at = now();
    const outcome = outcomeOf(mail, error, at);
    const store = async () =>
      (
        await db.write((tx) =>
          tx
            .update(outbox)
            .set(outcome)
            .where(and(eq(outbox.id, mail.id), eq(outbox.state, 'sending'), eq(outbox.attempts, mail.attempts)))
            .returning({ id: outbox.id }),
          // The lanes' outcomes share commits: under a surge the worker takes the write lock less often from signers.
          { grouped: true },
        )
      ).length;
    let changed: number | undefined;
    while (changed === undefined) {
      try {
        changed = await store();
      } catch (failure) {
        if (!isDatabaseBusy(failure) || stopped) throw failure;
        const waitMs = databaseBusy(failure);
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
    databaseAvailable();
    if (changed === 0) logger.warn({ outboxId: mail.id }, 'mail outcome not recorded: another worker claimed it meanwhile');
    if (error === undefined) return outageEnds();
    const { outage: problem, reason } = classifySendFailure(error);
    if (problem) outageSeen(problem, reason, at, probe);
  };

  /**
   * Gives back claimed rows that were never tried (an outage began before their turn): queued as
   * they were, with the attempt their claim counted taken back, so an outage they were never tried
   * in does not advance their own retry schedule. Only rows this worker still holds.
   */
  const release = async (mails: OutboxRow[]): Promise<void> => {
    if (mails.length === 0) return;
    try {
      await db.write(async (tx) => {
        for (const mail of mails) {
          await tx
            .update(outbox)
            .set({ state: 'queued', lockedUntil: null, attempts: mail.attempts - 1 })
            .where(and(eq(outbox.id, mail.id), eq(outbox.state, 'sending'), eq(outbox.attempts, mail.attempts)));
        }
      });
    } catch (error) {
      // They are claimed again once their lease lapses, then charged the attempt.
      if (!isDatabaseBusy(error)) throw error;
      databaseBusy(error);
    }
  };

  /** The next batch, or none while stopped, paused by an outage, or waiting to retry the database. */
  const claimIfDue = async (limit: number): Promise<OutboxRow[]> => {
    const at = now().getTime();
    if (stopped || at < pausedUntil || at < (databaseWait?.retryAt ?? 0)) return [];
    try {
      return await claim(limit);
    } catch (error) {
      if (!isDatabaseBusy(error)) throw error;
      databaseBusy(error);
      return [];
    }
  };

  const sendOne = async (mail: OutboxRow, probe = false): Promise<void> => {
    // A mail waits here for a free connection; by then its lease may have lapsed and another
    // worker may hold it: then it is that worker's to send, never sent twice on purpose.
    if (stopped || !(await stillHeld(mail))) return;
    let error: unknown;
    try {
      await transport.send(composeOutboxMail(options.views, mail));
    } catch (caught) {
      error = caught ?? new Error('unknown send failure');
    }
    await record(mail, error, probe);
  };

  /**
   * Sends everything due, `transport.concurrency` mails at a time. Each lane takes the next
   * claimed mail as soon as its last one is done, and a lane that finds none claims the next
   * batch: no lane waits for the slowest mail of a batch before the next batch starts. Once an
   * outage shows (or the worker stops), lanes take no more, and what was claimed but not tried is given back.
   */
  const sendAll = async (): Promise<number> => {
    const waiting: OutboxRow[] = [];
    let attempted = 0;
    let exhausted = false;
    // One claim at a time: lanes that find the queue empty together wait for the same batch.
    let claiming: Promise<void> | undefined;
    const next = async (): Promise<OutboxRow | undefined> => {
      while (waiting.length === 0 && !exhausted && !outage && !stopped) {
        claiming ??= (async () => {
          const batch = await claimIfDue(batchSize);
          exhausted = batch.length < batchSize;
          waiting.push(...batch);
        })().finally(() => {
          claiming = undefined;
        });
        await claiming;
      }
      if (outage || stopped) return undefined;
      return waiting.shift();
    };
    const lane = async () => {
      for (let mail = await next(); mail; mail = await next()) {
        attempted += 1;
        await sendOne(mail);
      }
    };
    // Every lane finishes its mail (and records it) before the run ends, even when another failed.
    const lanes = await Promise.allSettled(Array.from({ length: transport.concurrency }, lane));
    await release(waiting.splice(0));
    const failed = lanes.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    return attempted;
  };

  /** During an outage: one probe when its wait is over; if it goes through, everything due. */
  const sendDue = async (): Promise<number> => {
    if (!outage) return sendAll();
    const [probe] = await claimIfDue(1);
    if (!probe) return 0;
    await sendOne(probe, true);
    return outage ? 1 : 1 + (await sendAll());
  };

  /**
   * One run at a time; a call during a run asks for another pass and shares the run's result. The
   * run never rejects: every caller (the poll, notify, stop) may be waiting on it, and a rejection
   * none of them handled would end the thread it runs in.
   */
  const drain = async (): Promise<number> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      try {
        do {
          again = false;
          total += await sendDue();
        } while (again && !stopped && outage === undefined);
      } catch (error) {
        if (isDatabaseBusy(error)) databaseBusy(error);
        else logger.error({ err: error }, 'outbox worker run failed');
      }
      return total;
    })();
    try {
      return await running;
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
    outage: () => outage,
    state,
  };
}

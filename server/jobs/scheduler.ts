import { and, eq, lte } from 'drizzle-orm';
import type { Context } from '../context.js';
import { unlessRunningElsewhere } from '../db/exclusive.js';
import { pruneRateCounters } from '../abuse/index.js';
import { runPrivacyJobs } from '../privacy/index.js';
import { sendDueReminders } from '../signatures/index.js';
import { jobRuns } from './table.js';

const REMINDER_SLICE = 200;
const ROUND = 'scheduled-jobs';
/** How long a run keeps other processes out at most (a process that died mid-run holds it no longer). */
const LEASE_MS = 30 * 60_000;

export interface ScheduledJob {
  name: string;
  run(ctx: Context): Promise<unknown>;
}

export interface ScheduledJobs {
  /** Runs every job now, unless another process is running them or ran this round; what the timer calls. True when this process ran them. */
  runOnce(): Promise<boolean>;
  stop(): void;
}

/**
 * A backlog of reminders (say, after a long outage) is sent a slice at a time, yielding to
 * requests in between, instead of holding the event loop for the whole run.
 */
async function remindInSlices(ctx: Context): Promise<void> {
  let total = 0;
  for (;;) {
    const sent = await sendDueReminders(ctx, REMINDER_SLICE);
    total += sent;
    if (sent < REMINDER_SLICE) break;
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (total > 0) ctx.logger.info({ reminders: total }, 'reminders sent');
}

/** The one reminder to unconfirmed signers, the retention rules, and rate-limit windows that have ended. */
export const EVERY_JOB: ScheduledJob[] = [
  { name: 'reminders', run: remindInSlices },
  { name: 'privacy', run: runPrivacyJobs },
  { name: 'rate counters', run: (ctx) => pruneRateCounters(ctx.db, ctx.now()) },
];

/**
 * Claims this round for this process, in one statement: only when no run holds the lease and the
 * last one began at least `gapMs` ago. Several processes started together (or on timers a little
 * apart) thus run a round once between them.
 */
async function claimRound(ctx: Context, gapMs: number): Promise<boolean> {
  const now = ctx.now();
  const claimed = await ctx.db.write((tx) =>
    tx
      .insert(jobRuns)
      .values({ name: ROUND, startedAt: now, leaseUntil: new Date(now.getTime() + LEASE_MS) })
      .onConflictDoUpdate({
        target: jobRuns.name,
        set: { startedAt: now, leaseUntil: new Date(now.getTime() + LEASE_MS) },
        setWhere: and(lte(jobRuns.leaseUntil, now), lte(jobRuns.startedAt, new Date(now.getTime() - gapMs))),
      })
      .returning({ name: jobRuns.name }),
  );
  return claimed.length > 0;
}

const endLease = (ctx: Context) => ctx.db.write((tx) => tx.update(jobRuns).set({ leaseUntil: ctx.now() }).where(eq(jobRuns.name, ROUND)));

/**
 * The server's periodic work. Runs once just after start and then every `intervalMinutes`
 * (0 = never). With several processes on one database, one of them runs each round: the others
 * skip it (see claimRound and unlessRunningElsewhere). A failing job is logged and tried again
 * next time; it never takes the server down.
 */
export function startScheduledJobs(ctx: Context, intervalMinutes: number, jobs: ScheduledJob[] = EVERY_JOB): ScheduledJobs {
  const guarded = async (job: ScheduledJob) => {
    try {
      await job.run(ctx);
    } catch (error) {
      ctx.logger.error({ err: error, job: job.name }, 'scheduled job failed');
    }
  };
  // Half an interval: a process whose timer fires a little after another's leaves it that round.
  const gapMs = (intervalMinutes * 60_000) / 2;
  const runOnce = async (): Promise<boolean> => {
    try {
      const run = await unlessRunningElsewhere(ctx.db, ROUND, async () => {
        if (!(await claimRound(ctx, gapMs))) return false;
        try {
          for (const job of jobs) await guarded(job);
        } finally {
          await endLease(ctx);
        }
        return true;
      });
      return run.ran && run.value;
    } catch (error) {
      ctx.logger.error({ err: error }, 'scheduled jobs could not start');
      return false;
    }
  };
  if (intervalMinutes === 0) return { runOnce, stop: () => {} };
  const first = setTimeout(() => void runOnce(), 0);
  const timer = setInterval(() => void runOnce(), intervalMinutes * 60 * 1000);
  first.unref();
  timer.unref();
  return {
    runOnce,
    stop() {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}

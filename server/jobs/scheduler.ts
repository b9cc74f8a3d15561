import type { Context } from '../context.js';
import { runPrivacyJobs } from '../privacy/index.js';
import { sendDueReminders } from '../signatures/index.js';

const REMINDER_SLICE = 200;

export interface ScheduledJobs {
  /** Runs every job now; what the timer calls. */
  runOnce(): Promise<void>;
  stop(): void;
}

/**
 * The server's periodic work: the one reminder to unconfirmed signers, then the retention rules.
 * Runs once just after start and then every `intervalMinutes` (0 = never). A failing job is
 * logged and tried again next time; it never takes the server down.
 */
export function startScheduledJobs(ctx: Context, intervalMinutes: number): ScheduledJobs {
  const guarded = async (job: string, run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (error) {
      ctx.logger.error({ err: error, job }, 'scheduled job failed');
    }
  };
  // A backlog of reminders (say, after a long outage) is sent a slice at a time, yielding to
  // requests in between, instead of holding the event loop for the whole run.
  const remindInSlices = async () => {
    let total = 0;
    for (;;) {
      const sent = await sendDueReminders(ctx, REMINDER_SLICE);
      total += sent;
      if (sent < REMINDER_SLICE) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (total > 0) ctx.logger.info({ reminders: total }, 'reminders sent');
  };
  const runOnce = async () => {
    await guarded('reminders', remindInSlices);
    await guarded('privacy', () => runPrivacyJobs(ctx));
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

import type { Context } from '../context.js';
import { runPrivacyJobs } from '../privacy/index.js';
import { sendDueReminders } from '../signatures/index.js';

const REMINDER_SLICE = 200;

export interface ScheduledJobs {
  /** Runs every job now; what the timer calls. */
  runOnce(): void;
  stop(): void;
}

/**
 * The server's periodic work: the one reminder to unconfirmed signers, then the retention rules.
 * Runs once just after start and then every `intervalMinutes` (0 = never). A failing job is
 * logged and tried again next time; it never takes the server down.
 */
export function startScheduledJobs(ctx: Context, intervalMinutes: number): ScheduledJobs {
  const guarded = (job: string, run: () => void) => {
    try {
      run();
    } catch (error) {
      ctx.logger.error({ err: error, job }, 'scheduled job failed');
    }
  };
  // A backlog of reminders (say, after a long outage) is sent a slice at a time, yielding to
  // requests in between, instead of holding the event loop for the whole run.
  const remindInSlices = (sentSoFar: number) =>
    guarded('reminders', () => {
      const sent = sendDueReminders(ctx, REMINDER_SLICE);
      if (sent === REMINDER_SLICE) setImmediate(() => remindInSlices(sentSoFar + sent));
      else if (sentSoFar + sent > 0) ctx.logger.info({ reminders: sentSoFar + sent }, 'reminders sent');
    });
  const runOnce = () => {
    remindInSlices(0);
    guarded('privacy', () => runPrivacyJobs(ctx));
  };
  if (intervalMinutes === 0) return { runOnce, stop: () => {} };
  const first = setTimeout(runOnce, 0);
  const timer = setInterval(runOnce, intervalMinutes * 60 * 1000);
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

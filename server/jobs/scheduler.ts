import type { Context } from '../context.js';
import { runPrivacyJobs } from '../privacy/run-privacy-jobs.js';
import { sendDueReminders } from '../signatures/remind-signers.js';

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
  const runOnce = () => {
    guarded('reminders', () => ctx.logger.info({ reminders: sendDueReminders(ctx) }, 'reminders sent'));
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

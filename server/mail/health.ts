import type { MailWorkerState } from './mail-worker.js';
import type { MailOutage } from './worker.js';

/**
 * Mail not processed for longer than this (a thread that keeps failing, a database locked by
 * another process) makes /healthz answer 503, so a monitor alerts or restarts the server.
 * An SMTP outage does not: the server is working, the mail server is not, and restarting would not help.
 */
export const MAIL_DOWN_ALERT_MS = 60_000;

export interface MailHealth {
  ok: boolean;
  mail: { state: MailWorkerState['state']; since?: string; problem?: string; smtp?: string };
}

/** The body of /healthz: the mail worker's state, and whether it has been down too long. */
export function mailHealth(worker: MailWorkerState, outage: MailOutage | undefined, now: Date): MailHealth {
  const mail = {
    state: worker.state,
    ...(worker.state === 'running' ? {} : { since: worker.since.toISOString() }),
    ...(worker.state === 'stopped' ? { problem: worker.problem } : {}),
    ...(outage ? { smtp: `failing: ${outage.problem}` } : {}),
  };
  const down = worker.state !== 'running' && now.getTime() - worker.since.getTime() > MAIL_DOWN_ALERT_MS;
  return { ok: !down, mail };
}

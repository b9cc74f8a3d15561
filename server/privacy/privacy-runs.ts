import type { Reader } from '../db/database.js';
import { PRIVACY_RUN_ACTION } from './run-privacy-jobs.js';
import { listAuditEvents } from '../audit/index.js';

export interface PrivacyRun {
  at: Date;
  /** `system` for the schedule, `cli` for the command line, else the organiser who pressed the button. */
  actor: string;
  unconfirmedDeleted: number;
  mailsDeleted: number;
  addressesForgotten: number;
}

const count = (value: unknown): number => (typeof value === 'number' ? value : 0);

/** The latest audited runs of the privacy jobs, newest first. */
export async function recentPrivacyRuns(db: Reader, limit = 10): Promise<PrivacyRun[]> {
  return (await listAuditEvents(db, { actions: [PRIVACY_RUN_ACTION], limit })).events.map((event) => ({
    at: event.createdAt,
    actor: event.actor,
    unconfirmedDeleted: count(event.details?.unconfirmedDeleted),
    mailsDeleted: count(event.details?.mailsDeleted),
    addressesForgotten: count(event.details?.addressesForgotten),
  }));
}

import type { Context } from '../context.js';
import { daysBefore } from './days.js';
import { forgetIpHashRules } from '../abuse/index.js';
import { SYSTEM_ACTOR, recordAudit, type Actor } from '../audit/index.js';
import { deleteMailsForSignatures } from '../mail/index.js';
import { deleteUnconfirmedEndorsementsBefore } from '../endorsements/index.js';
import { deleteUnconfirmedSignedBefore, forgetClientAddressesBefore, unconfirmedSignedBefore, withdrawRejectedUnconfirmedBefore } from '../signatures/index.js';

export interface PrivacyJobsSummary {
  /** Unconfirmed signatures older than UNCONFIRMED_RETENTION_DAYS whose every confirm link has expired, deleted with their links. */
  unconfirmedDeleted: number;
  /** Of those, signatures by an address a moderator had rejected: returned to their withdrawn form (details erased, the rejection kept) instead. */
  unconfirmedWithdrawn: number;
  /** Endorsements never confirmed, sent before the same cutoff, deleted with their links. */
  unconfirmedEndorsementsDeleted: number;
  /** Mails of those signatures, queued or sent, deleted with them. */
  mailsDeleted: number;
  /** Signatures whose address hash and network were older than IP_RETENTION_DAYS and were dropped. */
  addressesForgotten: number;
  /** Block rules naming an address hash, older than IP_RETENTION_DAYS, deleted (their audit records lose the hash). */
  blockRulesForgotten: number;
}

/** The audit action of a privacy jobs run. */
export const PRIVACY_RUN_ACTION = 'privacy.retention';

export interface PrivacyJobsOptions {
  /** The organiser who asked for this run; absent for the schedule and the command line. */
  actor?: Actor;
}

/**
 * The retention rules, applied to whatever is due now. Idempotent: a second run right after the
 * first finds nothing to do. Every run is logged; a run that changed something is also audited,
 * and so is every run an organiser asked for (they will look for it), even one that found nothing.
 */
export async function runPrivacyJobs(ctx: Context, options: PrivacyJobsOptions = {}): Promise<PrivacyJobsSummary> {
  const now = ctx.now();
  const unconfirmedCutoff = daysBefore(now, ctx.config.unconfirmedRetentionDays);
  const addressCutoff = daysBefore(now, ctx.config.ipRetentionDays);
  const summary = await ctx.db.write(async (tx) => {
    // Mail first: the outbox's foreign key would only unlink these mails from the deleted rows.
    const mailsDeleted = await deleteMailsForSignatures(tx, unconfirmedSignedBefore(tx, unconfirmedCutoff, now));
    const unconfirmedDeleted = await deleteUnconfirmedSignedBefore(tx, unconfirmedCutoff, now);
    const unconfirmedWithdrawn = await withdrawRejectedUnconfirmedBefore(tx, unconfirmedCutoff, now);
    const unconfirmedEndorsementsDeleted = await deleteUnconfirmedEndorsementsBefore(tx, unconfirmedCutoff);
    const addressesForgotten = await forgetClientAddressesBefore(tx, addressCutoff);
    const blockRulesForgotten = await forgetIpHashRules(tx, { before: addressCutoff });
    const result: PrivacyJobsSummary = { unconfirmedDeleted, unconfirmedWithdrawn, unconfirmedEndorsementsDeleted, mailsDeleted, addressesForgotten, blockRulesForgotten };
    if (options.actor || unconfirmedDeleted + unconfirmedWithdrawn + unconfirmedEndorsementsDeleted + mailsDeleted + addressesForgotten + blockRulesForgotten > 0) {
      await recordAudit(tx, { actor: options.actor ?? SYSTEM_ACTOR, action: PRIVACY_RUN_ACTION, details: { ...result, unconfirmedCutoff: unconfirmedCutoff.toISOString(), addressCutoff: addressCutoff.toISOString() } }, now);
    }
    return result;
  });
  ctx.logger.info({ privacy: summary }, 'privacy jobs ran');
  return summary;
}

import { recordAudit, SYSTEM_ACTOR } from '../audit/record.js';
import type { Context } from '../context.js';
import { deleteMailsForSignatures } from '../mail/outbox.js';
import { deleteUnconfirmedSignedBefore, forgetClientAddressesBefore, unconfirmedSignedBefore } from '../signatures/erasure.js';
import { daysBefore } from './days.js';

export interface PrivacyJobsSummary {
  /** Unconfirmed signatures older than UNCONFIRMED_RETENTION_DAYS, deleted with their links. */
  unconfirmedDeleted: number;
  /** Mails of those signatures, queued or sent, deleted with them. */
  mailsDeleted: number;
  /** Signatures whose address hash and network were older than IP_RETENTION_DAYS and were dropped. */
  addressesForgotten: number;
}

/**
 * The retention rules, applied to whatever is due now. Idempotent: a second run right after the
 * first finds nothing to do. Every run is logged; a run that changed something is also audited.
 */
export function runPrivacyJobs(ctx: Context): PrivacyJobsSummary {
  const now = ctx.now();
  const unconfirmedCutoff = daysBefore(now, ctx.config.unconfirmedRetentionDays);
  const addressCutoff = daysBefore(now, ctx.config.ipRetentionDays);
  const summary = ctx.db.transaction((tx) => {
    // Mail first: the outbox's foreign key would only unlink these mails from the deleted rows.
    const mailsDeleted = deleteMailsForSignatures(tx, unconfirmedSignedBefore(tx, unconfirmedCutoff));
    const unconfirmedDeleted = deleteUnconfirmedSignedBefore(tx, unconfirmedCutoff);
    const addressesForgotten = forgetClientAddressesBefore(tx, addressCutoff);
    const result: PrivacyJobsSummary = { unconfirmedDeleted, mailsDeleted, addressesForgotten };
    if (unconfirmedDeleted + mailsDeleted + addressesForgotten > 0) {
      recordAudit(tx, { actor: SYSTEM_ACTOR, action: 'privacy.retention', details: { ...result, unconfirmedCutoff: unconfirmedCutoff.toISOString(), addressCutoff: addressCutoff.toISOString() } }, now);
    }
    return result;
  });
  ctx.logger.info({ privacy: summary }, 'privacy jobs ran');
  return summary;
}

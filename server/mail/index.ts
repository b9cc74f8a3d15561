/**
 * The outbox: mail is queued in the caller's transaction and sent by a worker thread through the SMTP
 * transport; outage state for the dashboard; the dev outbox pages.
 *
 * Other modules import only from this file (or a *-command.ts file); see README "Where things are".
 */
// re-exports
export { mailHealth } from './health.js';
export { type MailWorker, type MailWorkerState, mailWorkerStateOf, startMailWorker } from './mail-worker.js';
export { deleteMailsForSignatures, deleteMailsTo, enqueueMail, outboxProgress, waitingMailsOfKind } from './outbox.js';
export { composeOutboxMail, createMailViews, MAIL_SUBJECTS, renderMail } from './compose.js';
export { countOutboxByState } from './outbox-stats.js';
export type { MailTransport } from './transport.js';
export type { MailOutage } from './worker.js';

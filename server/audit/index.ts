/**
 * The audit trail: who did what to which letter or signature, recorded inside the action's own
 * transaction, listed for operators, and scrubbed when a signer's details are erased.
 *
 * Other modules import only from this file (or a *-command.ts file); see README "Where things are".
 */
// re-exports
export { type BlockedHashSelection, eraseBlockedIpHashes, eraseModerationNotes } from './erase-details.js';
export { listAuditEvents } from './list.js';
export { type Actor, SYSTEM_ACTOR, recordAudit } from './record.js';

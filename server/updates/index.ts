/**
 * Updates to the signers who ticked "email me": owners write, preview and send them; a filler
 * queues their mails a batch at a time; every mail carries a one-click unsubscribe link.
 *
 * Other modules import only from this file (or a *-command.ts file); see README "Where things are".
 */
// re-exports
export { FILL_INTERVAL_MS, type UpdateFiller, fillLimitsOf, fillUpdateOutbox, startUpdateFiller } from './fill-outbox.js';
export { type PublicUpdate, publicUpdatesOf } from './letter-updates.js';
export { updateAdminRoutes } from './admin-routes.js';
export { updateRoutes } from './routes.js';

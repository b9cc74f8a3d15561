/**
 * The letter handed over, verifiably: the hash-chained list of signatories and its manifest
 * (routes.ts), `undersigned verify` (verify-command.ts), and the record of its delivery and the
 * recipient's response (delivery-routes.ts; shown on the letter page).
 *
 * Other modules import only from this file (or a *-command.ts file); see README "Where things are".
 */
// re-exports
export { type Delivery, findDelivery } from './delivery.js';

/**
 * Organisations endorsing a letter as a whole, apart from individual signatures: the endorse form,
 * the representative's confirmation by mail, organisers' approval, the public list and erasure.
 *
 * Other modules import only from this file (or a *-command.ts file); see README "Where things are".
 */
// re-exports
export { deleteUnconfirmedEndorsementsBefore, eraseEndorsementsByEmailKeys } from './erasure.js';
export { type PublicEndorsement, endorsementsOnPage, listApprovedEndorsements, organisationsAmong } from './public-endorsements.js';
export { moveOrganisationEndorsements, reverifyEndorsements } from './reverify-endorsements.js';

/**
 * Organisations signers name: matching free text to a known organisation, aliases, merges, and the verified
 * email domains that mark an affiliation verified. The table itself is exported once, as
 * organisationsForJoins, because the public list and the moderation queue join it in the same SQL
 * statement for speed (one query per page, not one per row); nobody writes it from outside.
 *
 * Other modules import only from this file (or a *-command.ts file); see README "Where things are".
 */
// re-exports
export { organisations as organisationsForJoins } from './table.js';
export { createOrganisation } from './create-organisation.js';
export { type OrganisationMatch, matchOrganisation } from './match-organisation.js';
export { organisationKey } from './normalise.js';
export { domainsByOrganisation, organisationDomainsOf } from './verified-domains.js';

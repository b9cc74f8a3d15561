import type { Db } from '../db/client.js';
import { organisationKey } from './normalise.js';
import { findOrganisationByKey } from './repo.js';

export interface OrganisationMatch {
  organisationId: number | null;
  /** The typed text folded by organisationKey(); empty when nothing was typed. */
  organisationKey: string;
}

/** What a signer typed as their organisation, matched against organisation names and aliases. */
export function matchOrganisation(db: Db, text: string): OrganisationMatch {
  const key = organisationKey(text);
  return { organisationId: findOrganisationByKey(db, key)?.id ?? null, organisationKey: key };
}

import type { Reader } from '../db/database.js';
import { organisationKey } from './normalise.js';
import { findOrganisationByKey } from './repo.js';

export interface OrganisationMatch {
  organisationId: number | null;
  /** The typed text folded by organisationKey(); empty when nothing was typed. */
  organisationKey: string;
}

/** What a signer typed as their organisation, matched against organisation names and aliases. */
export async function matchOrganisation(db: Reader, text: string): Promise<OrganisationMatch> {
  const key = organisationKey(text);
  return { organisationId: (await findOrganisationByKey(db, key))?.id ?? null, organisationKey: key };
}

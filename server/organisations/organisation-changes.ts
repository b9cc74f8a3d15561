import type { Reader, Tx } from '../db/database.js';
import { AppError, notFound } from '../web/errors.js';
import { organisationKey } from './normalise.js';
import { findOrganisationById, findOrganisationByKey } from './repo.js';
import { organisationAliases, type OrganisationRow } from './table.js';

/**
 * What every organiser's change to an organisation goes through (create, rename, add an alias,
 * merge, set domains): finding it, the rules its name and aliases pass, and how the audit log names it.
 */

const MAX_NAME_LENGTH = 160;

export const auditSubject = (organisation: OrganisationRow): string => `organisation:${organisation.id}`;

/** The organisation of that id; 404 when there is none. */
export async function requireOrganisation(db: Reader, id: number): Promise<OrganisationRow> {
  const organisation = await findOrganisationById(db, id);
  if (!organisation) throw notFound('organisation');
  return organisation;
}

export function cleanName(raw: string): string {
  const name = raw.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (!organisationKey(name) || [...name].length > MAX_NAME_LENGTH) {
    throw new AppError('invalid_organisation_name', 422, `Enter the organisation's name (up to ${MAX_NAME_LENGTH} characters, with letters or digits).`);
  }
  return name;
}

/** The key of `text`, refused when it already matches another organisation by name or alias. */
export async function claimKey(db: Reader, text: string, organisationId: number | undefined): Promise<string> {
  const key = organisationKey(text);
  const owner = await findOrganisationByKey(db, key);
  if (owner && owner.id !== organisationId) {
    throw new AppError('organisation_name_taken', 409, `"${text}" already matches the organisation ${owner.name}. Merge the two instead.`);
  }
  return key;
}

/** Adds an alias unless the organisation already matches it; returns the key when it is new. */
export async function insertAlias(tx: Tx, organisationId: number, raw: string): Promise<string | undefined> {
  const alias = cleanName(raw);
  const aliasKey = await claimKey(tx, alias, organisationId);
  if (await findOrganisationByKey(tx, aliasKey)) return undefined;
  await tx.insert(organisationAliases).values({ organisationId, alias, aliasKey });
  return aliasKey;
}

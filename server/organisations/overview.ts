import type { Reader } from '../db/database.js';
import { AppError, notFound } from '../web/errors.js';
import { findOrganisationById, listAliases, listAllAliases, listAllDomains, listAllOrganisations, listDomains } from './repo.js';
import type { OrganisationRow } from './table.js';
import { countSignaturesByOrganisation, type OrganisationSignatureCounts } from '../signatures/index.js';

export interface OrganisationSummary extends OrganisationRow {
  aliases: string[];
  domains: string[];
}

/** Every organisation with its aliases and domains, by name: for the organisers' list. */
export async function listOrganisations(db: Reader): Promise<OrganisationSummary[]> {
  const aliases = await listAllAliases(db);
  const domains = await listAllDomains(db);
  return (await listAllOrganisations(db)).map((organisation) => ({
    ...organisation,
    aliases: aliases.filter((row) => row.organisationId === organisation.id).map((row) => row.alias),
    domains: domains.filter((row) => row.organisationId === organisation.id).map((row) => row.domain),
  }));
}

/** What the organisers' pages show of an organisation: names, domains and how many signatures it has. */
export type OrganisationOverview = OrganisationSummary & OrganisationSignatureCounts;

const NO_SIGNATURES: OrganisationSignatureCounts = { signatures: 0, verified: 0 };

/** Every organisation by name, with its aliases, domains and signature counts. */
export async function listOrganisationsWithCounts(db: Reader): Promise<OrganisationOverview[]> {
  const counts = await countSignaturesByOrganisation(db);
  return (await listOrganisations(db)).map((organisation) => ({ ...organisation, ...(counts.get(organisation.id) ?? NO_SIGNATURES) }));
}

/** One organisation as its page shows it; 404 when there is none. */
export async function describeOrganisation(db: Reader, id: number): Promise<OrganisationOverview> {
  const organisation = await findOrganisationById(db, id);
  if (!organisation) throw notFound('organisation');
  const counts = (await countSignaturesByOrganisation(db, [id])).get(id) ?? NO_SIGNATURES;
  return { ...organisation, aliases: await listAliases(db, id), domains: await listDomains(db, id), ...counts };
}

/** The two sides of a merge before it happens, so organisers see what will move where. */
export async function previewMerge(db: Reader, keepId: number, removeId: number): Promise<{ keep: OrganisationOverview; remove: OrganisationOverview }> {
  if (keepId === removeId) throw new AppError('merge_same_organisation', 422, 'Choose two different organisations to merge.', { field: 'remove' });
  return { keep: await describeOrganisation(db, keepId), remove: await describeOrganisation(db, removeId) };
}

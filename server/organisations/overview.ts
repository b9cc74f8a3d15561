import type { Db } from '../db/client.js';
import { AppError, notFound } from '../web/errors.js';
import { findOrganisationById, listAliases, listAllAliases, listAllDomains, listAllOrganisations, listDomains } from './repo.js';
import type { OrganisationRow } from './table.js';
import { countSignaturesByOrganisation, type OrganisationSignatureCounts } from '../signatures/index.js';

export interface OrganisationSummary extends OrganisationRow {
  aliases: string[];
  domains: string[];
}

/** Every organisation with its aliases and domains, by name: for the organisers' list. */
export function listOrganisations(db: Db): OrganisationSummary[] {
  const aliases = listAllAliases(db);
  const domains = listAllDomains(db);
  return listAllOrganisations(db).map((organisation) => ({
    ...organisation,
    aliases: aliases.filter((row) => row.organisationId === organisation.id).map((row) => row.alias),
    domains: domains.filter((row) => row.organisationId === organisation.id).map((row) => row.domain),
  }));
}

/** What the organisers' pages show of an organisation: names, domains and how many signatures it has. */
export type OrganisationOverview = OrganisationSummary & OrganisationSignatureCounts;

const NO_SIGNATURES: OrganisationSignatureCounts = { signatures: 0, verified: 0 };

/** Every organisation by name, with its aliases, domains and signature counts. */
export function listOrganisationsWithCounts(db: Db): OrganisationOverview[] {
  const counts = countSignaturesByOrganisation(db);
  return listOrganisations(db).map((organisation) => ({ ...organisation, ...(counts.get(organisation.id) ?? NO_SIGNATURES) }));
}

/** One organisation as its page shows it; 404 when there is none. */
export function describeOrganisation(db: Db, id: number): OrganisationOverview {
  const organisation = findOrganisationById(db, id);
  if (!organisation) throw notFound('organisation');
  const counts = countSignaturesByOrganisation(db, [id]).get(id) ?? NO_SIGNATURES;
  return { ...organisation, aliases: listAliases(db, id), domains: listDomains(db, id), ...counts };
}

/** The two sides of a merge before it happens, so organisers see what will move where. */
export function previewMerge(db: Db, keepId: number, removeId: number): { keep: OrganisationOverview; remove: OrganisationOverview } {
  if (keepId === removeId) throw new AppError('merge_same_organisation', 422, 'Choose two different organisations to merge.', { field: 'remove' });
  return { keep: describeOrganisation(db, keepId), remove: describeOrganisation(db, removeId) };
}

import { asc, eq, sql } from 'drizzle-orm';
import { first, type Reader } from '../db/database.js';
import { preparedQuery } from '../db/prepared.js';
import { organisationAliases, organisationDomains, organisations, type OrganisationRow } from './table.js';

export const findOrganisationById = (db: Reader, id: number): Promise<OrganisationRow | undefined> => first(db.select().from(organisations).where(eq(organisations.id, id)));

/** The organisation whose name or one of whose aliases folds to `key`. */
export async function findOrganisationByKey(db: Reader, key: string): Promise<OrganisationRow | undefined> {
  if (!key) return undefined;
  return (await organisationByName.first(db, { key })) ?? (await organisationByAlias.first(db, { key }))?.organisation;
}

const organisationByName = preparedQuery((db) => db.select().from(organisations).where(eq(organisations.nameKey, sql.placeholder('key'))));
const organisationByAlias = preparedQuery((db) =>
  db
    .select({ organisation: organisations })
    .from(organisationAliases)
    .innerJoin(organisations, eq(organisations.id, organisationAliases.organisationId))
    .where(eq(organisationAliases.aliasKey, sql.placeholder('key'))),
);

export const listAliases = async (db: Reader, organisationId: number): Promise<string[]> =>
  (await db.select({ alias: organisationAliases.alias }).from(organisationAliases).where(eq(organisationAliases.organisationId, organisationId)).orderBy(asc(organisationAliases.alias))).map((row) => row.alias);

export const listDomains = async (db: Reader, organisationId: number): Promise<string[]> =>
  (await db.select({ domain: organisationDomains.domain }).from(organisationDomains).where(eq(organisationDomains.organisationId, organisationId)).orderBy(asc(organisationDomains.domain))).map((row) => row.domain);

export const findDomainOwner = async (db: Reader, domain: string): Promise<number | undefined> =>
  (await first(db.select({ organisationId: organisationDomains.organisationId }).from(organisationDomains).where(eq(organisationDomains.domain, domain))))?.organisationId;

export const listAllOrganisations = (db: Reader): Promise<OrganisationRow[]> => db.select().from(organisations).orderBy(asc(organisations.name));

export const listAllAliases = (db: Reader) => db.select().from(organisationAliases);

export const listAllDomains = (db: Reader) => db.select().from(organisationDomains);

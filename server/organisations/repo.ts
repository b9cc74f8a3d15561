import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { preparedPerConnection } from '../db/prepared.js';
import { organisationAliases, organisationDomains, organisations, type OrganisationRow } from './table.js';

export const findOrganisationById = (db: Db, id: number): OrganisationRow | undefined =>
  db.select().from(organisations).where(eq(organisations.id, id)).get();

/** The organisation whose name or one of whose aliases folds to `key`. */
export function findOrganisationByKey(db: Db, key: string): OrganisationRow | undefined {
  if (!key) return undefined;
  return organisationByName(db).get({ key }) ?? organisationByAlias(db).get({ key })?.organisation;
}

const organisationByName = preparedPerConnection((db) => db.select().from(organisations).where(eq(organisations.nameKey, sql.placeholder('key'))).prepare());
const organisationByAlias = preparedPerConnection((db) =>
  db
    .select({ organisation: organisations })
    .from(organisationAliases)
    .innerJoin(organisations, eq(organisations.id, organisationAliases.organisationId))
    .where(eq(organisationAliases.aliasKey, sql.placeholder('key')))
    .prepare(),
);

export const listAliases = (db: Db, organisationId: number): string[] =>
  db.select({ alias: organisationAliases.alias }).from(organisationAliases).where(eq(organisationAliases.organisationId, organisationId)).orderBy(asc(organisationAliases.alias)).all().map((row) => row.alias);

export const listDomains = (db: Db, organisationId: number): string[] =>
  db.select({ domain: organisationDomains.domain }).from(organisationDomains).where(eq(organisationDomains.organisationId, organisationId)).orderBy(asc(organisationDomains.domain)).all().map((row) => row.domain);

export const findDomainOwner = (db: Db, domain: string): number | undefined =>
  db.select({ organisationId: organisationDomains.organisationId }).from(organisationDomains).where(eq(organisationDomains.domain, domain)).get()?.organisationId;

export const listAllOrganisations = (db: Db): OrganisationRow[] => db.select().from(organisations).orderBy(asc(organisations.name)).all();

export const listAllAliases = (db: Db) => db.select().from(organisationAliases).all();

export const listAllDomains = (db: Db) => db.select().from(organisationDomains).all();

import { eq, inArray } from 'drizzle-orm';
import { recordAudit, type Actor } from '../audit/record.js';
import type { Context } from '../context.js';
import { one, type Reader, type Tx } from '../db/database.js';
import { linkUnmatchedSignatures, moveOrganisationSignatures, reevaluateAffiliations } from '../signatures/organisation-links.js';
import { AppError, notFound } from '../web/errors.js';
import { normaliseOrganisationDomain } from './domains.js';
import { organisationKey } from './normalise.js';
import { findDomainOwner, findOrganisationById, findOrganisationByKey, listAliases, listAllAliases, listAllDomains, listAllOrganisations, listDomains } from './repo.js';
import { organisationAliases, organisationDomains, organisations, type OrganisationRow } from './table.js';

const MAX_NAME_LENGTH = 160;
const MAX_DOMAINS = 50;

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

/** The verified email domains of an organisation (none for no organisation). */
export const organisationDomainsOf = async (db: Reader, organisationId: number | null): Promise<string[]> =>
  organisationId === null ? [] : listDomains(db, organisationId);

/** The verified domains of several organisations at once, for a page of signatures. */
export async function domainsByOrganisation(db: Reader, organisationIds: readonly number[]): Promise<Map<number, string[]>> {
  const byOrganisation = new Map<number, string[]>();
  if (organisationIds.length === 0) return byOrganisation;
  const rows = await db.select().from(organisationDomains).where(inArray(organisationDomains.organisationId, [...new Set(organisationIds)]));
  for (const row of rows) byOrganisation.set(row.organisationId, [...(byOrganisation.get(row.organisationId) ?? []), row.domain]);
  return byOrganisation;
}

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

export interface CreateOrganisationInput {
  name: string;
  aliases?: string[];
  domains?: string[];
  actor: Actor;
}

/** A new canonical organisation; signatures already typed with its name or aliases now match it. */
export async function createOrganisation(ctx: Context, input: CreateOrganisationInput): Promise<OrganisationRow> {
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    const name = cleanName(input.name);
    const nameKey = await claimKey(tx, name, undefined);
    const organisation = await one(tx.insert(organisations).values({ name, nameKey, createdAt: now }).returning());
    const aliasKeys: string[] = [];
    for (const alias of input.aliases ?? []) {
      const key = await insertAlias(tx, organisation.id, alias);
      if (key !== undefined) aliasKeys.push(key);
    }
    const domains = await replaceDomains(tx, organisation.id, input.domains ?? []);
    const linked = await linkUnmatchedSignatures(tx, [nameKey, ...aliasKeys], organisation.id);
    const affiliations = await reevaluateAffiliations(tx, organisation.id, domains);
    await recordAudit(tx, { actor: input.actor, action: 'organisation.create', subject: subjectOf(organisation), details: { name, aliases: input.aliases ?? [], domains, linked: linked.length, ...affiliations } }, now);
    return organisation;
  });
}

/**
 * A new canonical name. The old name stays as an alias, so signers who type it still match; signatures
 * typed with the new name that matched nothing now match.
 */
export async function renameOrganisation(ctx: Context, input: { id: number; name: string; actor: Actor }): Promise<OrganisationRow> {
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    const before = await requireOrganisation(tx, input.id);
    const name = cleanName(input.name);
    const nameKey = await claimKey(tx, name, before.id);
    // The new name may have been an alias of this organisation: a name is not also an alias.
    await tx.delete(organisationAliases).where(eq(organisationAliases.aliasKey, nameKey));
    const renamed = await one(tx.update(organisations).set({ name, nameKey }).where(eq(organisations.id, before.id)).returning());
    if (before.nameKey !== nameKey) await tx.insert(organisationAliases).values({ organisationId: before.id, alias: before.name, aliasKey: before.nameKey });
    const linked = await linkUnmatchedSignatures(tx, [nameKey], before.id);
    const affiliations = linked.length > 0 ? await reevaluateAffiliations(tx, before.id, await listDomains(tx, before.id)) : { verified: 0, unverified: 0 };
    await recordAudit(tx, { actor: input.actor, action: 'organisation.rename', subject: subjectOf(renamed), details: { from: before.name, to: name, linked: linked.length, ...affiliations } }, now);
    return renamed;
  });
}

/** Another spelling signers use for the organisation; unmatched signatures typed that way now match it. */
export async function addAlias(ctx: Context, input: { id: number; alias: string; actor: Actor }): Promise<{ linked: number }> {
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    const organisation = await requireOrganisation(tx, input.id);
    const aliasKey = await insertAlias(tx, organisation.id, input.alias);
    const linked = aliasKey ? await linkUnmatchedSignatures(tx, [aliasKey], organisation.id) : [];
    const affiliations = linked.length > 0 ? await reevaluateAffiliations(tx, organisation.id, await listDomains(tx, organisation.id)) : { verified: 0, unverified: 0 };
    await recordAudit(tx, { actor: input.actor, action: 'organisation.alias.add', subject: subjectOf(organisation), details: { alias: input.alias.trim(), linked: linked.length, ...affiliations } }, now);
    return { linked: linked.length };
  });
}

export interface MergeResult {
  organisation: OrganisationRow;
  signaturesMoved: number;
  aliases: string[];
  domains: string[];
}

/**
 * Two records of one organisation become one: the removed one's aliases, domains and signatures
 * move to the kept one, its name becomes an alias, and every moved signature's affiliation is
 * checked again against the combined domains.
 */
export async function mergeOrganisations(ctx: Context, input: { keepId: number; removeId: number; actor: Actor }): Promise<MergeResult> {
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    if (input.keepId === input.removeId) throw new AppError('merge_same_organisation', 422, 'Choose two different organisations to merge.');
    const keep = await requireOrganisation(tx, input.keepId);
    const remove = await requireOrganisation(tx, input.removeId);
    await tx.update(organisationAliases).set({ organisationId: keep.id }).where(eq(organisationAliases.organisationId, remove.id));
    await tx.insert(organisationAliases).values({ organisationId: keep.id, alias: remove.name, aliasKey: remove.nameKey });
    await tx.update(organisationDomains).set({ organisationId: keep.id }).where(eq(organisationDomains.organisationId, remove.id));
    const signaturesMoved = await moveOrganisationSignatures(tx, remove.id, keep.id);
    await tx.delete(organisations).where(eq(organisations.id, remove.id));
    const domains = await listDomains(tx, keep.id);
    const affiliations = await reevaluateAffiliations(tx, keep.id, domains);
    await recordAudit(tx, {
      actor: input.actor,
      action: 'organisation.merge',
      subject: subjectOf(keep),
      details: { kept: { id: keep.id, name: keep.name }, removed: { id: remove.id, name: remove.name }, signaturesMoved, domains, ...affiliations },
    }, now);
    return { organisation: keep, signaturesMoved, aliases: await listAliases(tx, keep.id), domains };
  });
}

/**
 * The email domains whose confirmed addresses verify an affiliation with the organisation
 * (subdomains included). Replaces the previous list and re-checks every signature matched to it.
 */
export async function setOrganisationDomains(ctx: Context, input: { id: number; domains: readonly string[]; actor: Actor }): Promise<{ domains: string[]; verified: number; unverified: number }> {
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    const organisation = await requireOrganisation(tx, input.id);
    const before = await listDomains(tx, organisation.id);
    const domains = await replaceDomains(tx, organisation.id, input.domains);
    const affiliations = await reevaluateAffiliations(tx, organisation.id, domains);
    await recordAudit(tx, { actor: input.actor, action: 'organisation.domains', subject: subjectOf(organisation), details: { before, after: domains, ...affiliations } }, now);
    return { domains, ...affiliations };
  });
}

const subjectOf = (organisation: OrganisationRow): string => `organisation:${organisation.id}`;

async function requireOrganisation(db: Reader, id: number): Promise<OrganisationRow> {
  const organisation = await findOrganisationById(db, id);
  if (!organisation) throw notFound('organisation');
  return organisation;
}

function cleanName(raw: string): string {
  const name = raw.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (!organisationKey(name) || [...name].length > MAX_NAME_LENGTH) {
    throw new AppError('invalid_organisation_name', 422, `Enter the organisation's name (up to ${MAX_NAME_LENGTH} characters, with letters or digits).`);
  }
  return name;
}

/** The key of `text`, refused when it already matches another organisation by name or alias. */
async function claimKey(db: Reader, text: string, organisationId: number | undefined): Promise<string> {
  const key = organisationKey(text);
  const owner = await findOrganisationByKey(db, key);
  if (owner && owner.id !== organisationId) {
    throw new AppError('organisation_name_taken', 409, `"${text}" already matches the organisation ${owner.name}. Merge the two instead.`);
  }
  return key;
}

/** Adds an alias unless the organisation already matches it; returns the key when it is new. */
async function insertAlias(tx: Tx, organisationId: number, raw: string): Promise<string | undefined> {
  const alias = cleanName(raw);
  const aliasKey = await claimKey(tx, alias, organisationId);
  if (await findOrganisationByKey(tx, aliasKey)) return undefined;
  await tx.insert(organisationAliases).values({ organisationId, alias, aliasKey });
  return aliasKey;
}

async function replaceDomains(tx: Tx, organisationId: number, raw: readonly string[]): Promise<string[]> {
  const domains = [...new Set(raw.map(normaliseOrganisationDomain))].sort();
  if (domains.length > MAX_DOMAINS) throw new AppError('too_many_domains', 422, `An organisation can have at most ${MAX_DOMAINS} domains.`);
  for (const domain of domains) {
    const owner = await findDomainOwner(tx, domain);
    if (owner !== undefined && owner !== organisationId) {
      const name = (await findOrganisationById(tx, owner))?.name ?? 'another organisation';
      throw new AppError('domain_taken', 409, `${domain} is already a domain of ${name}.`);
    }
  }
  await tx.delete(organisationDomains).where(eq(organisationDomains.organisationId, organisationId));
  if (domains.length > 0) await tx.insert(organisationDomains).values(domains.map((domain) => ({ organisationId, domain })));
  return domains;
}

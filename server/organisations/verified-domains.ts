import { createRequire } from 'node:module';
import { eq, inArray } from 'drizzle-orm';
import { getDomain } from 'tldts';
import type { Reader, Tx } from '../db/database.js';
import { asciiDomain } from '../lib/email-domain.js';
import { AppError } from '../web/errors.js';
import { SUPPLEMENTARY_MAIL_SERVICES } from './mail-services.js';
import { findDomainOwner, findOrganisationById, listDomains } from './repo.js';
import { organisationDomains } from './table.js';
import { isDisposableEmailDomain } from '../abuse/index.js';

/**
 * An organisation's verified email domains: which domains may be one (normaliseOrganisationDomain),
 * reading them, and replacing them.
 */

const MAX_DOMAINS = 50;

const require = createRequire(import.meta.url);

/**
 * Mail services where anyone can open an address: a signer confirming an address there proves
 * nothing about an organisation. Webmail and free providers from free-email-domains-list (about
 * 100,000 domains, so loaded on the first check rather than when the server starts), throwaway
 * services and relays from mailchecker (the list that flags disposable signers), and the few that
 * both miss (mail-services.ts).
 */
let freeMailDomains: ReadonlySet<string> | undefined;
const isPublicMailDomain = (domain: string): boolean => {
  freeMailDomains ??= (require('free-email-domains-list/build/src/constants.js') as { DOMAINS: Set<string> }).DOMAINS;
  return freeMailDomains.has(domain) || SUPPLEMENTARY_MAIL_SERVICES.has(domain) || isDisposableEmailDomain(domain);
};

/**
 * The domain an organisation owns for `domain`, by the Public Suffix List (private suffixes such as
 * github.io included: each of their subdomains belongs to someone else); undefined when `domain`
 * is itself a public suffix (org.uk, com, github.io), which no organisation owns.
 */
const registrableDomain = (domain: string): string | undefined => getDomain(domain, { allowPrivateDomains: true }) ?? undefined;

/**
 * An organisation's domain as organisers type it ("@nvidia.com", "https://www.nvidia.com/",
 * "*.nvidia.com"), reduced to the domain addresses are checked against. Throws 422 otherwise, and
 * for a domain whose addresses say nothing about an organisation: a public suffix, or a public
 * mail service (or a part of one).
 */
export function normaliseOrganisationDomain(raw: string): string {
  let text = raw.trim().toLowerCase();
  if (text.includes('://')) text = URL.canParse(text) ? new URL(text).hostname : '';
  text = text.replace(/^@/, '').replace(/^\*\./, '').replace(/^www\./, '').replace(/\.$/, '');
  const domain = asciiDomain(text);
  if (!domain) throw new AppError('invalid_domain', 422, `"${raw.trim()}" is not a domain name like example.org.`);
  const registrable = registrableDomain(domain);
  if (!registrable) {
    throw new AppError('public_suffix_domain', 422, `${domain} is a public suffix: anyone can register a name under it, so it belongs to no one organisation. Enter the organisation's own domain, like example.org.uk.`);
  }
  if (isPublicMailDomain(domain) || isPublicMailDomain(registrable)) {
    throw new AppError('public_mail_domain', 422, `${domain} is a public mail service: anyone can open an address there, so an address there says nothing about an organisation.`);
  }
  return domain;
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

/** The organisation's domains become `raw`, normalised; refused (before any write) when one is not a domain or is another organisation's. Call inside the change's transaction. */
export async function replaceVerifiedDomains(tx: Tx, organisationId: number, raw: readonly string[]): Promise<string[]> {
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

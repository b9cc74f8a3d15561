import { createRequire } from 'node:module';
import { getDomain } from 'tldts';
import { isDisposableEmailDomain } from '../abuse/disposable-email.js';
import { asciiDomain } from '../lib/domain.js';
import { AppError } from '../web/errors.js';
import { SUPPLEMENTARY_MAIL_SERVICES } from './mail-services.js';

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

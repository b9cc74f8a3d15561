import { asciiDomain } from '../lib/domain.js';
import { AppError } from '../web/errors.js';

/**
 * Addresses anyone can open: a signer confirming one proves nothing about an organisation, so
 * these are never accepted as an organisation's verified domain.
 */
const PUBLIC_MAIL_DOMAINS = new Set([
  '163.com', 'aol.com', 'fastmail.com', 'gmail.com', 'gmx.com', 'gmx.de', 'gmx.net', 'googlemail.com', 'hotmail.com',
  'icloud.com', 'live.com', 'mail.com', 'mail.ru', 'me.com', 'msn.com', 'outlook.com', 'pm.me', 'proton.me',
  'protonmail.com', 'qq.com', 'tutanota.com', 'web.de', 'yahoo.com', 'yandex.com', 'yandex.ru', 'zoho.com',
]);

/**
 * An organisation's domain as organisers type it ("@nvidia.com", "https://www.nvidia.com/",
 * "*.nvidia.com"), reduced to the domain addresses are checked against. Throws 422 otherwise.
 */
export function normaliseOrganisationDomain(raw: string): string {
  let text = raw.trim().toLowerCase();
  if (text.includes('://')) text = URL.canParse(text) ? new URL(text).hostname : '';
  text = text.replace(/^@/, '').replace(/^\*\./, '').replace(/^www\./, '').replace(/\.$/, '');
  const domain = asciiDomain(text);
  if (!domain) throw new AppError('invalid_domain', 422, `"${raw.trim()}" is not a domain name like example.org.`);
  if (PUBLIC_MAIL_DOMAINS.has(domain)) {
    throw new AppError('public_mail_domain', 422, `${domain} is a public mail service: an address there says nothing about an organisation.`);
  }
  return domain;
}

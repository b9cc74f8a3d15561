import { domainToASCII } from 'node:url';

export interface EmailAddress {
  /** As typed, trimmed. */
  email: string;
  /** Local part lower-cased, domain punycoded and lower-cased: the identity of a signer. */
  key: string;
  /** ASCII (punycode) domain. */
  domain: string;
}

const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Parses an address the way a mail server would accept it; IDN domains are converted to punycode. */
export function parseEmailAddress(raw: string): EmailAddress | undefined {
  const email = raw.normalize('NFC').trim();
  const at = email.lastIndexOf('@');
  if (at < 1 || email.length > 254) return undefined;
  const local = email.slice(0, at);
  const unicodeDomain = email.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local)) return undefined;
  const domain = domainToASCII(unicodeDomain).toLowerCase();
  if (!domain || domain.length > 253) return undefined;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label)) || /^\d+$/.test(labels.at(-1) ?? '')) return undefined;
  return { email, key: `${local.toLowerCase()}@${domain}`, domain };
}

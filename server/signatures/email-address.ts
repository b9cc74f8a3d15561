import { asciiDomain } from '../lib/domain.js';

export interface EmailAddress {
  /** As typed, trimmed. */
  email: string;
  /** Local part lower-cased, domain punycoded and lower-cased: the identity of a signer. */
  key: string;
  /** ASCII (punycode) domain. */
  domain: string;
}

const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

/** Parses an address the way a mail server would accept it; IDN domains are converted to punycode. */
export function parseEmailAddress(raw: string): EmailAddress | undefined {
  const email = raw.normalize('NFC').trim();
  const at = email.lastIndexOf('@');
  if (at < 1 || email.length > 254) return undefined;
  const local = email.slice(0, at);
  const unicodeDomain = email.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local)) return undefined;
  const domain = asciiDomain(unicodeDomain);
  if (!domain) return undefined;
  return { email, key: `${local.toLowerCase()}@${domain}`, domain };
}

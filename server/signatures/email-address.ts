import { asciiDomain } from '../lib/domain.js';

export interface EmailAddress {
  /**
   * The address as mail is sent to it: compatibility-normalised (NFKC), invisible characters
   * removed, the domain punycoded and lower-cased. The key is made from this spelling, so a
   * look-alike spelling of an address (full-width letters, a soft hyphen, a zero-width space)
   * is stored and mailed as the address it stands for, never as typed.
   */
  email: string;
  /** Local part lower-cased too: the identity of a signer. */
  key: string;
  /** ASCII (punycode) domain. */
  domain: string;
}

const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

/** Characters that show nothing (soft hyphen, zero-width space and joiners, variation selectors, BOM…). */
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu;

/** Parses an address the way a mail server would accept it, in the one spelling it is stored and mailed as. */
export function parseEmailAddress(raw: string): EmailAddress | undefined {
  const typed = raw.normalize('NFKC').replace(INVISIBLE, '').trim();
  const at = typed.lastIndexOf('@');
  if (at < 1 || typed.length > 254) return undefined;
  const local = typed.slice(0, at);
  if (local.length > 64 || !LOCAL_PART.test(local)) return undefined;
  const domain = asciiDomain(typed.slice(at + 1));
  if (!domain) return undefined;
  const email = `${local}@${domain}`;
  if (email.length > 254) return undefined;
  return { email, key: `${local.toLowerCase()}@${domain}`, domain };
}

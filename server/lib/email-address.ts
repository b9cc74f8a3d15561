import { asciiDomain } from './email-domain.js';

export interface EmailAddress {
  /**
   * The address as mail is sent to it: compatibility-normalised (NFKC), invisible characters
   * removed, the domain punycoded and lower-cased. The key is made from this spelling, so a
   * look-alike spelling of an address (full-width letters, a soft hyphen, a zero-width space)
   * is stored and mailed as the address it stands for, never as typed.
   */
  email: string;
  /** The identity of a signer: one key per mailbox, whatever alias of it was typed (see emailKeyOf). */
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
  return { email, key: emailKeyOf(local, domain), domain };
}

/** One mail service under two names, which ignores dots in the local part. */
const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/**
 * The key that makes an address unique per letter: the mailbox, not the spelling, so the aliases
 * of one mailbox are one signer (as alphagov/e-petitions does with its canonical email). The local
 * part lower-cased with any "+tag" dropped, at every domain; at gmail.com and googlemail.com the
 * dots dropped too and the domain read as gmail.com. Migration 0008 applies the same rule in SQL.
 */
export function emailKeyOf(local: string, domain: string): string {
  const mailbox = local.toLowerCase().replace(/^([^+]+)\+.*$/, '$1');
  return GMAIL_DOMAINS.has(domain) ? `${mailbox.replaceAll('.', '')}@gmail.com` : `${mailbox}@${domain}`;
}

/**
 * The address with only its local part lower-cased (the domain is already): what organisers sign
 * in with, and what a signature's key was before keys named the mailbox. Where two rows of a
 * letter would have shared a mailbox key, migration 0008 left both under this one.
 */
export function lowerCasedAddress(address: EmailAddress): string {
  const at = address.email.lastIndexOf('@');
  return `${address.email.slice(0, at).toLowerCase()}@${address.domain}`;
}

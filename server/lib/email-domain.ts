import { domainToASCII } from 'node:url';

/**
 * The domain part of email addresses, as block rules, organisations' verified domains and signers'
 * addresses are compared: its ASCII form, and whether one domain is within another.
 */

const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * A domain as mail servers see it: punycoded and lower-cased, at least two labels, no numeric
 * top-level label (so no IP addresses). Undefined when the text is not such a domain.
 */
export function asciiDomain(unicodeDomain: string): string | undefined {
  const domain = domainToASCII(unicodeDomain).toLowerCase();
  if (!domain || domain.length > 253) return undefined;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label)) || /^\d+$/.test(labels.at(-1) ?? '')) return undefined;
  return domain;
}

/**
 * True when `domain` is `parent` or a subdomain of it, on label boundaries: `mail.nvidia.com` is
 * within `nvidia.com`; `evilnvidia.com` and `nvidia.com.evil.io` are not. Both in asciiDomain form.
 */
export const isWithinDomain = (domain: string, parent: string): boolean => domain === parent || domain.endsWith(`.${parent}`);

/** The most specific of `parents` that `domain` is within, if any. */
export function coveringDomain(domain: string, parents: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const parent of parents) {
    if (isWithinDomain(domain, parent) && parent.length > (best?.length ?? -1)) best = parent;
  }
  return best;
}

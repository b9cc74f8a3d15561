import mailchecker from 'mailchecker';

/** mailchecker's list of throwaway-mail domains (a maintained npm package, updated with it). */
const DISPOSABLE_DOMAINS = mailchecker.blacklist();

/**
 * Whether an address at this (ASCII, lower-case) domain is a throwaway one. Subdomains count:
 * such services hand out `anything.example-trash.com`. A flag for moderators, never a refusal.
 */
export function isDisposableEmailDomain(domain: string): boolean {
  const labels = domain.split('.');
  return labels.some((_, index) => DISPOSABLE_DOMAINS.has(labels.slice(index).join('.')));
}

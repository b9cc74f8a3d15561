/**
 * The `ref` of a partner's link to a letter (`/letters/slug?ref=partner-slug`): a short slug of
 * lower-case letters, digits and hyphens. Anything else is no ref at all, never an error: a
 * mangled link still opens the letter and signs it, only without a source.
 */
const PARTNER_REF = /^[a-z0-9-]{1,40}$/;

export const PARTNER_REF_MAX = 40;

export function partnerRefOf(raw: unknown): string | undefined {
  const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  return typeof value === 'string' && PARTNER_REF.test(value) ? value : undefined;
}

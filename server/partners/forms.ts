import { z } from 'zod';
import { cleanText, textValue } from '../web/forms.js';
import { AppError } from '../web/errors.js';
import { PARTNER_REF_MAX, partnerRefOf } from '../lib/partner-ref.js';

export const PARTNER_FIELDS = ['name', 'ref', 'origins'] as const;

/** Origins a partner may frame the sign form from: a handful of sites, not a directory. */
export const MAX_ORIGINS = 10;

const HOSTNAME = /^[a-z0-9-]+(\.[a-z0-9-]+)*$/;
const DEVELOPMENT_HOSTS = new Set(['127.0.0.1', 'localhost']);

/**
 * A site's origin as `frame-ancestors` takes it: https with a plain host name (no wildcard, no
 * path, no credentials), or http on this machine for development. Undefined for anything else.
 */
export function embeddingOriginOf(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/' || text.endsWith('?') || text.endsWith('#')) return undefined;
  if (!HOSTNAME.test(url.hostname)) return undefined;
  if (url.protocol === 'https:' || (url.protocol === 'http:' && DEVELOPMENT_HOSTS.has(url.hostname))) return url.origin;
  return undefined;
}

const origins = z.preprocess(
  (raw) => (textValue(raw) ?? '').split(/[\s,]+/).filter(Boolean),
  z.array(z.string()).transform((entries, ctx) => {
    const found: string[] = [];
    for (const entry of entries) {
      const origin = embeddingOriginOf(entry);
      if (!origin) {
        ctx.addIssue({ code: 'custom', message: `“${entry.slice(0, 80)}” is not a site's address: enter it like https://partner.example (https, no path), or http://127.0.0.1:8080 while developing` });
        return z.NEVER;
      }
      if (!found.includes(origin)) found.push(origin);
    }
    if (found.length > MAX_ORIGINS) {
      ctx.addIssue({ code: 'custom', message: `Enter at most ${MAX_ORIGINS} sites` });
      return z.NEVER;
    }
    return found;
  }),
);

export const partnerForm = z.object({
  name: cleanText('partner name', { min: 1, max: 120 }),
  ref: z.preprocess(
    (raw) => (textValue(raw) ?? '').trim(),
    z.string().min(1, 'Enter the ref used in the partner’s links').refine((value) => partnerRefOf(value) !== undefined, {
      message: `The ref must be 1 to ${PARTNER_REF_MAX} lower-case letters, digits or hyphens, like climate-network`,
    }),
  ),
  origins,
});

export type PartnerForm = z.infer<typeof partnerForm>;

/** In production a partner's site is https: the http forms on this machine are for development only. */
export function refuseDevelopmentOrigins(isProduction: boolean, origins: readonly string[]): void {
  const insecure = origins.find((origin) => origin.startsWith('http:'));
  if (isProduction && insecure) throw new AppError('partner_origin_not_https', 422, `“${insecure}” is only allowed while developing: enter the partner's site as https://…`, { field: 'origins' });
}

export const partnerRefTaken = (): AppError =>
  new AppError('partner_ref_taken', 409, 'Another partner of this letter uses this ref: choose another one', { field: 'ref' });

export function partnerIdParam(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw new AppError('not_found', 404, 'We could not find that partner.');
  return Number(raw);
}

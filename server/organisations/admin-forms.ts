import { z } from 'zod';
import { AppError } from '../web/errors.js';
import { cleanText, textValue, type FieldErrors } from '../web/forms.js';

/** cleanText's "Enter your …" suits signers; an organiser names someone else's organisation. */
const required = (label: string, message: string) => cleanText(label, { max: 160 }).refine((value) => value.length > 0, message);
const NAME = required('name', "Enter the organisation's name");

/** One entry per line; blank lines dropped. */
const lines = (label: string, max: number) =>
  cleanText(label, { max, multiline: true }).transform((text) => text.split('\n').map((line) => line.trim()).filter(Boolean));

/** Domains are forgiving: one per line, but commas and spaces separate them too. */
const domainList = cleanText('domains', { max: 4000, multiline: true }).transform((text) => text.split(/[\s,;]+/).filter(Boolean));

const organisationId = (message: string) =>
  z.preprocess((raw) => textValue(raw) ?? '', z.string().regex(/^\d{1,15}$/, message).transform(Number));

export const CREATE_FIELDS = ['name', 'aliases', 'domains'] as const;
export const createOrganisationForm = z.object({ name: NAME, aliases: lines('aliases', 4000), domains: domainList });

export const renameForm = z.object({ name: NAME });
export const aliasForm = z.object({ alias: required('alias', 'Enter the other name') });
export const domainsForm = z.object({ domains: domainList });

export const MERGE_FIELDS = ['keep', 'remove'] as const;
export const mergeForm = z.object({
  keep: organisationId('Choose the organisation to keep'),
  remove: organisationId('Choose the organisation to merge into it'),
});

/** An organisation id in a path; anything else is no organisation at all. */
export function organisationIdParam(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw new AppError('not_found', 404, 'We could not find that organisation.');
  return Number(raw);
}

/** The service's refusals that belong to a field of the create form. */
const FIELD_OF_REFUSAL: Record<string, string> = {
  invalid_domain: 'domains',
  public_mail_domain: 'domains',
  public_suffix_domain: 'domains',
  too_many_domains: 'domains',
  domain_taken: 'domains',
  merge_same_organisation: 'remove',
};

/**
 * A refusal by the organisations service (a taken name, a public mail domain…) as an error next
 * to a form field: `field` for a one-field form, else by the refusal's kind. Anything else is rethrown.
 */
export function refusalAsFieldError(error: unknown, field?: string): { status: number; errors: FieldErrors } {
  if (!(error instanceof AppError) || error.status < 400 || error.status >= 500 || error.status === 404) throw error;
  return { status: error.status, errors: { [field ?? FIELD_OF_REFUSAL[error.id] ?? 'name']: error.message } };
}

const count = z.coerce.number().int().min(0).default(0);
const outcomeQuery = z.object({
  done: z.enum(['created', 'renamed', 'alias', 'domains', 'merged']),
  linked: count,
  verified: count,
  unverified: count,
  moved: count,
});

const signatures = (n: number): string => `${n} ${n === 1 ? 'signature' : 'signatures'}`;

/** The message after a change, from the numbers the redirect carried: worded here, never taken from the URL. */
export function describeOrganisationOutcome(query: unknown): string | undefined {
  const parsed = outcomeQuery.safeParse(typeof query === 'object' && query !== null ? query : {});
  if (!parsed.success) return undefined;
  const { done, linked, verified, unverified, moved } = parsed.data;
  switch (done) {
    case 'created':
      return 'Organisation created. Signatures typed with its name or aliases now match it.';
    case 'renamed':
      return 'Renamed. The old name stays as an alias, so signers who type it still match.';
    case 'alias':
      return `Alias added; ${signatures(linked)} more now ${linked === 1 ? 'matches' : 'match'} this organisation.`;
    case 'domains':
      return `Domains saved: ${signatures(verified)} became verified, ${signatures(unverified)} no longer verified.`;
    case 'merged':
      return `Merged: ${signatures(moved)} moved to this organisation.`;
  }
}

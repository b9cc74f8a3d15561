import { z } from 'zod';
import { textValue } from '../web/forms.js';
import { checkBlockValue } from './block-rules.js';
import { BLOCK_KINDS } from './table.js';

export const BLOCK_FIELDS = ['kind', 'value'] as const;

const kind = z.preprocess((raw) => textValue(raw) ?? '', z.enum(BLOCK_KINDS, { message: 'Choose what to block: an IP hash, an address range or an email domain' }));

/**
 * A block rule as typed: the value is checked against its kind with the service's own rule, so
 * the form and `applyBlock` cannot disagree, and comes out in its stored form.
 */
export const blockForm = z
  .object({
    kind,
    value: z.preprocess((raw) => textValue(raw) ?? '', z.string()),
  })
  .transform((form, ctx) => {
    const checked = checkBlockValue(form.kind, form.value);
    if ('problem' in checked) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: checked.problem });
      return z.NEVER;
    }
    return { kind: form.kind, value: checked.value };
  });

export type BlockForm = z.infer<typeof blockForm>;

/** A rule id from the path: digits only, so anything else is simply not found. */
export const blockRuleId = (raw: string): number | undefined => (/^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : undefined);

/** What the form offers in each kind, in the words moderators use. */
export const BLOCK_KIND_OPTIONS = [
  { value: 'ip_hash', label: 'IP hash', hint: 'the 64-character hash shown with a signature in the moderation list; catches that one address' },
  { value: 'cidr', label: 'Address range', hint: 'an address or a range in CIDR form, like 203.0.113.0/24 or 2001:db8::/32' },
  { value: 'email_domain', label: 'Email domain', hint: 'like example.org; its subdomains are caught too' },
] as const;

import { z } from 'zod';
import { cleanText, textValue } from '../web/forms.js';

export const DELIVERY_FIELDS = ['recipient', 'deliveredOn', 'deliveryNote', 'deliveryLink', 'responseOn', 'responseText', 'responseLink'] as const;

/** A calendar day as YYYY-MM-DD (what an <input type="date"> sends), or empty when `optional`. */
const day = (label: string, optional: boolean) =>
  z.preprocess(
    (raw) => (textValue(raw) ?? '').trim(),
    z.string().refine((value) => (optional && value === '') || isCalendarDay(value), { message: `Enter the ${label} as a date, like 2026-12-01` }),
  );

/** Letters are handed over in our era: a year before 1900 is a typing slip, not a date to publish. */
const EARLIEST_YEAR = 1900;

function isCalendarDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number(value.slice(0, 4)) < EARLIEST_YEAR) return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  // A month 13 or a day 00 does not parse; 2026-02-30 parses as 2 March, so the day must come back the same.
  return !Number.isNaN(time) && new Date(time).toISOString().startsWith(value);
}

/** A link to a public page (a photo of the hand-over, the recipient's reply): http(s) only, or empty. */
const link = (label: string) =>
  z.preprocess(
    (raw) => (textValue(raw) ?? '').trim(),
    z
      .string()
      .max(500, `The ${label} must be 500 characters or fewer`)
      .refine((value) => value === '' || isWebAddress(value), { message: `Enter the ${label} as a web address starting with https://` }),
  );

function isWebAddress(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '' && !url.username && !url.password;
  } catch {
    return false;
  }
}

export const deliveryForm = z
  .object({
    recipient: cleanText('recipient', { max: 200 }),
    deliveredOn: day('day it was delivered', false),
    deliveryNote: cleanText('note', { max: 1000, multiline: true }),
    deliveryLink: link('link about the delivery'),
    responseOn: day('day of the response', true),
    responseText: cleanText('response', { max: 4000, multiline: true }),
    responseLink: link('link to the response'),
  })
  .superRefine((form, ctx) => {
    if (form.recipient === '') ctx.addIssue({ code: 'custom', path: ['recipient'], message: 'Enter who the letter was delivered to' });
    const responded = form.responseText !== '' || form.responseLink !== '';
    if (responded && form.responseOn === '') ctx.addIssue({ code: 'custom', path: ['responseOn'], message: 'Enter the day of the response' });
    if (!responded && form.responseOn !== '') ctx.addIssue({ code: 'custom', path: ['responseText'], message: 'Enter the response, or a link to it, or clear its date' });
    if (form.responseOn !== '' && form.deliveredOn !== '' && form.responseOn < form.deliveredOn) ctx.addIssue({ code: 'custom', path: ['responseOn'], message: 'The response cannot come before the delivery' });
  });

export type DeliveryForm = z.infer<typeof deliveryForm>;

import { z } from 'zod';
import { AppError } from './errors.js';
import { parseEmailAddress } from '../lib/email-address.js';

export type FieldErrors = Record<string, string>;

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors; values: Record<string, string> };

/** A single text value: repeated fields and nested objects (qs-style attacks) are refused. */
export function textValue(raw: unknown): string | undefined {
  if (Array.isArray(raw)) return textValue(raw[raw.length - 1]);
  return typeof raw === 'string' ? raw : undefined;
}

/**
 * A checkbox paired with a hidden field of the same name before it, so an unticked box still
 * sends a value: the last value wins, and a client that sends neither gets the default.
 */
export const checkbox = (defaultValue: boolean) =>
  z.preprocess((raw) => {
    const value = textValue(raw);
    if (value === undefined) return defaultValue;
    return ['1', 'on', 'yes', 'true'].includes(value.toLowerCase());
  }, z.boolean());

/** Control characters, and the bidi embeddings and overrides that can make text display as something else. */
const CONTROL_CHARACTERS = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;
const characterLength = (value: string): number => [...value].length;

/**
 * Trimmed, NFC-normalised text of a bounded length with no control or bidi-override characters.
 * A public form names its messages by catalogue key (`messageKeys`: `<prefix>.required`, `.tooLong`,
 * `.characters`, with `{{max}}`), so each reader gets them in their language; organiser forms say them in English.
 */
export function cleanText(label: string, options: { min?: number; max: number; multiline?: boolean; messageKeys?: string }) {
  const keyed = options.messageKeys;
  return z.preprocess(
    (raw) => (textValue(raw) ?? '').normalize('NFC').replace(/\r\n?/g, '\n').trim(),
    z
      .string()
      .refine((value) => characterLength(value) >= (options.min ?? 0), {
        message: keyed ? `${keyed}.required` : options.min === 1 ? `Enter your ${label}` : `${label} must be at least ${options.min} characters`,
      })
      .refine((value) => characterLength(value) <= options.max, { message: keyed ? `${keyed}.tooLong` : `${capitalise(label)} must be ${options.max} characters or fewer` })
      .refine((value) => !CONTROL_CHARACTERS.test(options.multiline ? value.replace(/[\n\t]/g, '') : value), {
        message: keyed ? `${keyed}.characters` : `${capitalise(label)} contains characters that are not allowed`,
      }),
  );
}

/** An email address as a person types it, parsed to the address mail goes to, its mailbox key and its domain. */
export const emailAddressField = (messages = { required: 'Enter your email address', format: 'Enter an email address in the correct format, like name@example.org' }) =>
  z.preprocess(
    (raw) => (textValue(raw) ?? '').trim(),
    z
      .string()
      .min(1, messages.required)
      .transform((value, ctx) => {
        const address = parseEmailAddress(value);
        if (!address) {
          ctx.addIssue({ code: 'custom', message: messages.format });
          return z.NEVER;
        }
        return address;
      }),
  );

/** Bot traps (server/abuse/bot-checks.ts): any value passes validation, so a bot learns nothing from errors. */
export const botTrap = z.preprocess((raw) => (textValue(raw) ?? '').trim(), z.string());

const capitalise = (value: string): string => value.charAt(0).toUpperCase() + value.slice(1);

/** Parses a urlencoded body against a form schema; on failure returns one message per field and the values to refill. */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown, fields: readonly string[]): FormResult<z.infer<S>> {
  const source = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const parsed = schema.safeParse(source);
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= issue.message;
  }
  return { ok: false, errors, values: formValues(source, fields) };
}

/** The text of each named field of a urlencoded body, to fill a form in again. */
export function formValues(body: unknown, fields: readonly string[]): Record<string, string> {
  const source = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  return Object.fromEntries(fields.map((field) => [field, textValue(source[field]) ?? '']));
}

/**
 * A use case refuses a value it alone can judge (a taken address, a weak password) with an AppError
 * naming the field in `details.field`; the form shows it next to that field.
 */
export function fieldErrorOf(error: unknown): { status: number; errors: FieldErrors } | undefined {
  if (!(error instanceof AppError) || typeof error.details.field !== 'string') return undefined;
  return { status: error.status, errors: { [error.details.field]: error.message } };
}

/** A field's checks as a script in the page can repeat them, in the order the server applies them. */
export interface FieldRules {
  maxChars?: number;
  messages: { required?: string; tooLong?: string; characters?: string; format?: string };
}

/**
 * Finds the server's own message for each typical mistake by giving the field's schema one example
 * of it, so inline validation in the browser says exactly what a 422 page would say.
 * `formatProbe` is a value that is wrong only in its format (for example an address without a domain).
 */
export function describeFieldRules(field: z.ZodType, options: { maxChars?: number; formatProbe?: string }): FieldRules {
  const messageFor = (value: string | undefined): string | undefined => {
    if (value === undefined) return undefined;
    const result = field.safeParse(value);
    return result.success ? undefined : result.error.issues[0]?.message;
  };
  const messages = {
    required: messageFor(''),
    tooLong: messageFor(options.maxChars === undefined ? undefined : 'x'.repeat(options.maxChars + 1)),
    characters: messageFor('x\u0007x'),
    format: messageFor(options.formatProbe),
  };
  const defined = Object.fromEntries(Object.entries(messages).filter(([, message]) => message !== undefined));
  return { ...(options.maxChars === undefined ? {} : { maxChars: options.maxChars }), messages: defined };
}

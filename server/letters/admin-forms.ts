import { z } from 'zod';
import { cleanText, textValue } from '../web/forms.js';
import { MODERATION_MODES, type LetterRow } from './table.js';
import { isLanguageCode } from './translations.js';

export const LETTER_FIELDS = ['slug', 'title', 'summary', 'body', 'moderation', 'opens_at', 'closes_at'] as const;

/** `datetime-local` sends `2026-11-01T09:00`; the CLI's front matter may carry a full ISO time ending in Z. */
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::(\d{2})(?:\.\d{1,3})?)?Z?$/;

/** A `datetime-local` value, read as UTC (the form says so): servers and organisers may be in different zones. */
const optionalUtcTime = (label: string) =>
  z.preprocess(
    (raw) => (textValue(raw) ?? '').trim(),
    z.string().transform((value, ctx) => {
      if (value === '') return null;
      const match = DATE_TIME.exec(value);
      const date = match ? new Date(`${match[1]}T${match[2]}:${match[3] ?? '00'}Z`) : undefined;
      if (!date || Number.isNaN(date.getTime())) {
        ctx.addIssue({ code: 'custom', message: `Enter the ${label} as a date and time, like 2026-11-01 09:00` });
        return z.NEVER;
      }
      return date;
    }),
  );

export const letterForm = z.object({
  slug: z.preprocess((raw) => (textValue(raw) ?? '').trim(), z.string().max(200, 'The address is too long')),
  title: cleanText('title', { min: 1, max: 200 }),
  summary: cleanText('summary', { max: 500 }),
  body: cleanText('text of the letter', { min: 1, max: 100_000, multiline: true }),
  moderation: z.preprocess((raw) => textValue(raw) ?? 'pre', z.enum(MODERATION_MODES, { message: 'Choose how signatures are moderated' })),
  opens_at: optionalUtcTime('opening time'),
  closes_at: optionalUtcTime('closing time'),
  intent: z.preprocess((raw) => textValue(raw) ?? 'save', z.enum(['save', 'preview']).catch('save')),
});

export type LetterForm = z.infer<typeof letterForm>;

export const letterStatusForm = z.object({
  status: z.preprocess((raw) => textValue(raw) ?? '', z.enum(['open', 'closed'], { message: 'Choose open or closed' })),
});

const utcInputValue = (date: Date | null): string => (date ? date.toISOString().slice(0, 16) : '');

/** The form's values for an existing letter. */
export const letterFormValues = (letter: LetterRow): Record<string, string> => ({
  slug: letter.slug,
  title: letter.title,
  summary: letter.summary,
  body: letter.body,
  moderation: letter.moderation,
  opens_at: utcInputValue(letter.opensAt),
  closes_at: utcInputValue(letter.closesAt),
});

export const letterSettingsFrom = (form: LetterForm) => ({
  slug: form.slug,
  title: form.title,
  summary: form.summary,
  body: form.body,
  moderation: form.moderation,
  opensAt: form.opens_at,
  closesAt: form.closes_at,
});

export const TRANSLATION_FIELDS = ['lang', 'title', 'summary', 'body'] as const;

/** A translation as organisers send it (and `letter import --lang`): its language and text, checked like the letter's own. */
export const translationForm = z.object({
  lang: z.preprocess((raw) => (textValue(raw) ?? '').trim(), z.string().refine(isLanguageCode, 'Enter a language code such as fr, de or pt-BR')),
  title: cleanText('title', { min: 1, max: 200 }),
  summary: cleanText('summary', { max: 500 }),
  body: cleanText('text of the letter', { min: 1, max: 100_000, multiline: true }),
});

import { z } from 'zod';
import { checkbox, cleanText } from '../web/forms.js';

/** Longest subject and body, in characters. */
export const UPDATE_FIELD_MAX = { subject: 150, body: 20_000 } as const;

export const UPDATE_FIELDS = ['subject', 'body', 'showOnLetter'] as const;

export const updateForm = z.object({
  subject: cleanText('subject', { min: 1, max: UPDATE_FIELD_MAX.subject }),
  body: cleanText('text of the update', { min: 1, max: UPDATE_FIELD_MAX.body, multiline: true }),
  showOnLetter: checkbox(false),
});

export type UpdateForm = z.infer<typeof updateForm>;

export const shownForm = z.object({ shown: checkbox(false) });

/** An update id from the address: anything but a small whole number is a 404, never a database error. */
export const updateIdOf = (raw: string): number | undefined => (/^\d{1,9}$/.test(raw) ? Number(raw) : undefined);

import { z } from 'zod';
import { AppError } from './errors.js';
import { textValue } from './forms.js';

/** An optional text parameter of a URL, trimmed; blank is absent. */
export const optionalText = (max: number) =>
  z.preprocess((raw) => (textValue(raw) ?? '').normalize('NFC').trim() || undefined, z.string().max(max).optional());

/** An optional whole-number parameter of a URL (a cursor, a page size); blank is absent. */
export const optionalWhole = (min: number, max: number) =>
  z.preprocess((raw) => textValue(raw) || undefined, z.coerce.number().int().min(min).max(max).optional());

/** A URL's query parsed by `schema`; a malformed parameter is a 400 naming it. */
export function parseQueryWith<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const parsed = schema.safeParse(typeof query === 'object' && query !== null ? query : {});
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? 'query');
    throw new AppError('invalid_query', 400, `The ${field} in the address is not valid. Remove it and try again.`);
  }
  return parsed.data;
}

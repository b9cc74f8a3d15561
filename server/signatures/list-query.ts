import { z } from 'zod';
import { textValue } from '../web/forms.js';
import { AppError } from '../web/errors.js';

export const optionalText = (max: number) =>
  z.preprocess((raw) => (textValue(raw) ?? '').normalize('NFC').trim() || undefined, z.string().max(max).optional());

export const optionalWhole = (min: number, max: number) =>
  z.preprocess((raw) => textValue(raw) || undefined, z.coerce.number().int().min(min).max(max).optional());

const listQuery = z.object({
  q: optionalText(100),
  organisation: optionalText(160),
  cursor: optionalWhole(1, Number.MAX_SAFE_INTEGER),
  limit: optionalWhole(1, 200),
});

export type ListQuery = z.infer<typeof listQuery>;

/** The search, filter and paging parameters of a list URL; anything malformed is a 400, not an empty page. */
export const parseListQuery = (query: unknown): ListQuery => parseQueryWith(listQuery, query);

/** A URL's query parsed by `schema`; a malformed parameter is a 400 naming it. */
export function parseQueryWith<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const parsed = schema.safeParse(typeof query === 'object' && query !== null ? query : {});
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? 'query');
    throw new AppError('invalid_query', 400, `The ${field} in the address is not valid. Remove it and try again.`);
  }
  return parsed.data;
}

/** The address of another page of the same list: same search and filter, a different cursor. */
export function listHref(path: string, query: ListQuery, cursor: number | null | undefined): string {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.organisation) params.set('organisation', query.organisation);
  if (query.limit) params.set('limit', String(query.limit));
  if (cursor) params.set('cursor', String(cursor));
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

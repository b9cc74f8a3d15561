import { z } from 'zod';
import { optionalText, optionalWhole, parseQueryWith } from '../web/query.js';

const listQuery = z.object({
  q: optionalText(100),
  organisation: optionalText(160),
  cursor: optionalWhole(1, Number.MAX_SAFE_INTEGER),
  limit: optionalWhole(1, 200),
});

export type ListQuery = z.infer<typeof listQuery>;

/** The search, filter and paging parameters of a list URL; anything malformed is a 400, not an empty page. */
export const parseListQuery = (query: unknown): ListQuery => parseQueryWith(listQuery, query);

/** The address of another page of the same list: same search and filter, a different cursor. */
export function listHref(path: string, query: ListQuery, cursor: number | null | undefined, lang?: string): string {
  const params = new URLSearchParams();
  if (lang) params.set('lang', lang);
  if (query.q) params.set('q', query.q);
  if (query.organisation) params.set('organisation', query.organisation);
  if (query.limit) params.set('limit', String(query.limit));
  if (cursor) params.set('cursor', String(cursor));
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

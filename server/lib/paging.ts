export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: number | null;
}

/**
 * Keyset paging newest first: a query asks for `limit + 1` rows with id below the cursor; the
 * extra row only says there is more. Rows signed after the first page arrive above the cursor,
 * so they never shift the pages that follow.
 */
export function pageOf<T extends { id: number }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}

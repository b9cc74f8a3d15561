import { or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/** A LIKE pattern that finds `text` anywhere, with the LIKE wildcards in it taken literally. */
const containsPattern = (text: string): string => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/**
 * Rows where any of the columns contains `text`, ignoring case (both sides lower-cased: SQLite's
 * LIKE ignores ASCII case by itself, PostgreSQL's does not).
 * A scan of the rows the other conditions leave, so pair it with an indexed, paged query.
 */
export function anyColumnContains(columns: readonly SQLWrapper[], text: string): SQL | undefined {
  const pattern = containsPattern(text);
  return or(...columns.map((column) => sql`lower(${column}) LIKE lower(${pattern}) ESCAPE '\\'`));
}

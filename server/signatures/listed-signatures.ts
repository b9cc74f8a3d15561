import { and, count, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { coveringDomain } from '../lib/email-domain.js';
import { anyColumnContains } from '../db/search.js';
import { pageOf, type Page } from '../lib/paging.js';
import { isListed, letterOrganisationCounts, organisationGroupOf, signatures } from './table.js';
import { domainsByOrganisation, matchOrganisation, organisationsForJoins as organisations } from '../organisations/index.js';

/**
 * The public list of signatories: only approved signatures whose signer chose to be listed, and
 * only what they chose to show. Every query here is bounded by an index on listed rows
 * (signatures_public_list_idx, _group_idx, _featured_idx), newest first with keyset paging.
 */

export interface PublicSignatory {
  id: number;
  name: string;
  title: string;
  /** The matched organisation's name, else the text as typed. */
  organisation: string;
  /** When the affiliation is verified: the organisation's domain the signer confirmed an address at (never the address). */
  verifiedDomain: string | null;
  signedAt: Date;
  featured: boolean;
}

export interface PublicListFilter {
  letterId: number;
  /** Words in the name, role or organisation. */
  q?: string;
  /** An organisation as typed or as listed in the breakdown; matched like a signer's text. */
  organisation?: string;
}

export const FEATURED_LIMIT = 12;

const selection = {
  id: signatures.id,
  name: signatures.name,
  title: signatures.title,
  organisationText: signatures.organisationText,
  organisationId: signatures.organisationId,
  organisationName: organisations.name,
  emailDomain: signatures.emailDomain,
  affiliationVerified: signatures.affiliationVerified,
  signedAt: signatures.signedAt,
  featured: signatures.featured,
};

/**
 * Rows a search examines per request at most. A search is a scan (LIKE), so without a bound a
 * query that matches nothing would read every listed row of the letter on each request; with it,
 * a page may hold fewer matches than asked for while `nextCursor` still leads on to older rows.
 */
export const SEARCH_WINDOW = 20_000;

export interface ListPage extends Page<PublicSignatory> {
  /** A search stopped at its window before filling the page: older rows are still to be searched. */
  searchIncomplete: boolean;
}

/** One page of listed signatories, newest first; pass `nextCursor` back as `cursor` for the next. */
export function listPublicSignatories(db: Db, filter: PublicListFilter & { cursor?: number; limit: number; searchWindow?: number }): ListPage {
  const { seek, search, index } = filterConditions(db, filter);
  const where = and(seek, filter.cursor ? lt(signatures.id, filter.cursor) : undefined);
  const { ids, windowEnd } = search
    ? searchIds(db, where, search, filter.limit + 1, index, filter.searchWindow ?? SEARCH_WINDOW)
    : { ids: seekIds(db, where, filter.limit + 1, index), windowEnd: null };
  const page = pageOf(selectByIds(db, ids), filter.limit);
  const searchIncomplete = page.nextCursor === null && windowEnd !== null;
  return { items: toPublic(db, page.items), nextCursor: searchIncomplete ? windowEnd : page.nextCursor, searchIncomplete };
}

/** Every listed signatory matching the filter, read a page at a time: for the CSV download. */
export function* allPublicSignatories(db: Db, filter: PublicListFilter, pageSize = 1000): Generator<PublicSignatory> {
  let cursor: number | undefined;
  do {
    const page = listPublicSignatories(db, { ...filter, cursor, limit: pageSize });
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

/** Featured listed signatories, newest first: shown above the list and on the letter page. */
export function listFeaturedSignatories(db: Db, letterId: number, limit = FEATURED_LIMIT): PublicSignatory[] {
  return toPublic(db, selectByIds(db, seekIds(db, and(eq(signatures.letterId, letterId), sql`${signatures.featured} = 1`), limit, 'signatures_featured_idx')));
}

export interface OrganisationCount {
  name: string;
  listed: number;
}

export interface OrganisationBreakdown {
  /** How many different organisations the listed signatories come from. */
  total: number;
  top: OrganisationCount[];
}

/**
 * The organisations listed signatories come from, largest first. Reads the per-letter counts the
 * triggers keep (letter_organisation_counts), so its cost depends on the number of organisations
 * shown, not on the number of signatures.
 */
export function organisationBreakdown(db: Db, letterId: number, top = 10): OrganisationBreakdown {
  const rows = db
    .select({ label: letterOrganisationCounts.label, name: organisations.name, listed: letterOrganisationCounts.listed })
    .from(letterOrganisationCounts)
    .leftJoin(organisations, eq(organisations.id, letterOrganisationCounts.organisationId))
    .where(eq(letterOrganisationCounts.letterId, letterId))
    .orderBy(desc(letterOrganisationCounts.listed))
    .limit(top)
    .all();
  const total = db.select({ n: count() }).from(letterOrganisationCounts).where(eq(letterOrganisationCounts.letterId, letterId)).get()?.n ?? 0;
  return { total, top: rows.map((row) => ({ name: row.name ?? row.label, listed: row.listed })) };
}

/** The conditions an index seek can serve, the search (a scan) apart, and the index to seek. */
function filterConditions(db: Db, filter: PublicListFilter): { seek: SQL | undefined; search: SQL | undefined; index: ListIndex } {
  const group = filter.organisation ? organisationGroupOf(matchOrganisation(db, filter.organisation)) : null;
  return {
    seek: and(eq(signatures.letterId, filter.letterId), group ? eq(signatures.organisationGroup, group) : undefined),
    search: filter.q ? anyColumnContains([signatures.name, signatures.title, signatures.organisationText, organisations.name], filter.q) : undefined,
    index: group ? 'signatures_public_group_idx' : 'signatures_public_list_idx',
  };
}

/** The partial indexes on listed rows, each ordered by id within a letter (and organisation group). */
type ListIndex = 'signatures_public_list_idx' | 'signatures_public_group_idx' | 'signatures_featured_idx';

/**
 * Ids of listed rows newest first, by a seek on the named index. The index is named because
 * SQLite, without statistics, prefers signatures_letter_state_idx, which for the featured block
 * would walk every approved row of the letter.
 */
const newestListed = (where: SQL | undefined, limit: number, index: ListIndex): SQL =>
  sql`SELECT ${signatures.id} AS id FROM ${signatures} INDEXED BY ${sql.identifier(index)}
      WHERE ${and(isListed, where)} ORDER BY ${signatures.id} DESC LIMIT ${limit}`;

const seekIds = (db: Db, where: SQL | undefined, limit: number, index: ListIndex): number[] =>
  db.all<{ id: number }>(newestListed(where, limit, index)).map((row) => row.id);

/** Matches among the newest `window` listed rows after the cursor, and where that window ended if it was full. */
function searchIds(db: Db, where: SQL | undefined, search: SQL, limit: number, index: ListIndex, window: number): { ids: number[]; windowEnd: number | null } {
  const candidates = newestListed(where, window, index);
  const ids = db
    .all<{ id: number }>(
      sql`SELECT ${signatures.id} AS id FROM (${candidates}) AS candidate
          JOIN ${signatures} ON ${signatures.id} = candidate.id
          LEFT JOIN ${organisations} ON ${organisations.id} = ${signatures.organisationId}
          WHERE ${search} ORDER BY ${signatures.id} DESC LIMIT ${limit}`,
    )
    .map((row) => row.id);
  const examined = db.get<{ n: number; last: number | null }>(sql`SELECT count(*) AS n, min(id) AS last FROM (${candidates})`);
  return { ids, windowEnd: examined && examined.n >= window ? examined.last : null };
}

/** The rows of a page, by primary key, newest first. */
function selectByIds(db: Db, ids: number[]) {
  if (ids.length === 0) return [];
  return db
    .select(selection)
    .from(signatures)
    .leftJoin(organisations, eq(organisations.id, signatures.organisationId))
    .where(inArray(signatures.id, ids))
    .orderBy(desc(signatures.id))
    .all();
}

type ListedRow = ReturnType<typeof selectByIds>[number];

function toPublic(db: Db, rows: ListedRow[]): PublicSignatory[] {
  const verifiedOrganisations = rows.filter((row) => row.affiliationVerified && row.organisationId !== null).map((row) => row.organisationId as number);
  const domains = domainsByOrganisation(db, verifiedOrganisations);
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    title: row.title,
    organisation: row.organisationName ?? row.organisationText,
    verifiedDomain: row.affiliationVerified && row.organisationId !== null ? (coveringDomain(row.emailDomain, domains.get(row.organisationId) ?? []) ?? null) : null,
    signedAt: row.signedAt,
    featured: row.featured,
  }));
}

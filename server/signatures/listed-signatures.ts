import { and, count, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { coveringDomain } from '../lib/email-domain.js';
import { first, type Reader } from '../db/database.js';
import { indexedBy, isSet } from '../db/dialect.js';
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
export async function listPublicSignatories(db: Reader, filter: PublicListFilter & { cursor?: number; limit: number; searchWindow?: number }): Promise<ListPage> {
  const { seek, search, index } = await filterConditions(db, filter);
  const where = and(seek, filter.cursor ? lt(signatures.id, filter.cursor) : undefined);
  const { ids, windowEnd } = search
    ? await searchIds(db, where, search, filter.limit + 1, index, filter.searchWindow ?? SEARCH_WINDOW)
    : { ids: await seekIds(db, where, filter.limit + 1, index), windowEnd: null };
  const page = pageOf(await selectByIds(db, ids), filter.limit);
  const searchIncomplete = page.nextCursor === null && windowEnd !== null;
  return { items: await toPublic(db, page.items), nextCursor: searchIncomplete ? windowEnd : page.nextCursor, searchIncomplete };
}

/** Every listed signatory matching the filter, read a page at a time: for the CSV download. */
export async function* allPublicSignatories(db: Reader, filter: PublicListFilter, pageSize = 1000): AsyncGenerator<PublicSignatory> {
  let cursor: number | undefined;
  do {
    const page = await listPublicSignatories(db, { ...filter, cursor, limit: pageSize });
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

/** Featured listed signatories, newest first: shown above the list and on the letter page. */
export async function listFeaturedSignatories(db: Reader, letterId: number, limit = FEATURED_LIMIT): Promise<PublicSignatory[]> {
  const ids = await seekIds(db, and(eq(signatures.letterId, letterId), isSet(db, signatures.featured)), limit, 'signatures_featured_idx');
  return toPublic(db, await selectByIds(db, ids));
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
export async function organisationBreakdown(db: Reader, letterId: number, top = 10): Promise<OrganisationBreakdown> {
  const rows = await db
    .select({ label: letterOrganisationCounts.label, name: organisations.name, listed: letterOrganisationCounts.listed })
    .from(letterOrganisationCounts)
    .leftJoin(organisations, eq(organisations.id, letterOrganisationCounts.organisationId))
    .where(eq(letterOrganisationCounts.letterId, letterId))
    .orderBy(desc(letterOrganisationCounts.listed))
    .limit(top);
  const total = (await first(db.select({ n: count() }).from(letterOrganisationCounts).where(eq(letterOrganisationCounts.letterId, letterId))))?.n ?? 0;
  return { total, top: rows.map((row) => ({ name: row.name ?? row.label, listed: row.listed })) };
}

/** The conditions an index seek can serve, the search (a scan) apart, and the index to seek. */
async function filterConditions(db: Reader, filter: PublicListFilter): Promise<{ seek: SQL | undefined; search: SQL | undefined; index: ListIndex }> {
  const group = filter.organisation ? organisationGroupOf(await matchOrganisation(db, filter.organisation)) : null;
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
const newestListed = (db: Reader, where: SQL | undefined, limit: number, index: ListIndex) =>
  db
    // The id as SQL: drizzle checks that a selected column's table is the one named in FROM. Its
    // own name keeps it apart from signatures.id where the list is joined back to the table.
    .select({ id: sql<number>`${signatures.id}`.as('listed_id') })
    .from(indexedBy(db, signatures, index))
    .where(and(isListed(db), where))
    .orderBy(desc(signatures.id))
    .limit(limit);

const seekIds = async (db: Reader, where: SQL | undefined, limit: number, index: ListIndex): Promise<number[]> =>
  (await newestListed(db, where, limit, index)).map((row) => row.id);

/** Matches among the newest `window` listed rows after the cursor, and where that window ended if it was full. */
async function searchIds(db: Reader, where: SQL | undefined, search: SQL, limit: number, index: ListIndex, window: number): Promise<{ ids: number[]; windowEnd: number | null }> {
  const candidates = newestListed(db, where, window, index).as('candidate');
  const rows = await db
    .select({ id: signatures.id })
    .from(candidates)
    .innerJoin(signatures, eq(signatures.id, candidates.id))
    .leftJoin(organisations, eq(organisations.id, signatures.organisationId))
    .where(search)
    .orderBy(desc(signatures.id))
    .limit(limit);
  const examined = await first(db.select({ n: count(), last: sql<number | null>`min(${candidates.id})` }).from(candidates));
  return { ids: rows.map((row) => row.id), windowEnd: examined && examined.n >= window ? examined.last : null };
}

/** The rows of a page, by primary key, newest first. */
async function selectByIds(db: Reader, ids: number[]) {
  if (ids.length === 0) return [];
  return db
    .select(selection)
    .from(signatures)
    .leftJoin(organisations, eq(organisations.id, signatures.organisationId))
    .where(inArray(signatures.id, ids))
    .orderBy(desc(signatures.id));
}

type ListedRow = Awaited<ReturnType<typeof selectByIds>>[number];

async function toPublic(db: Reader, rows: ListedRow[]): Promise<PublicSignatory[]> {
  const verifiedOrganisations = rows.filter((row) => row.affiliationVerified && row.organisationId !== null).map((row) => row.organisationId as number);
  const domains = await domainsByOrganisation(db, verifiedOrganisations);
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

import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Actor } from '../audit/record.js';
import { recordAudit } from '../audit/record.js';
import type { Context } from '../context.js';
import { openReadConnection } from '../db/read-connection.js';
import { findLetter } from '../letters/service.js';
import type { LetterRow } from '../letters/table.js';
import { neutraliseFormula } from './csv-cell.js';
import { describeFilters, parseExportFilters, type ExportFilterInput, type ExportFilters } from './filters.js';

export interface SignatureExportRequest {
  letterId: number;
  filters: ExportFilterInput;
  /** Owners and operators get addresses; everyone else gets the column without values. */
  includeEmails: boolean;
  actor: Actor;
  /** A byte-order mark first, so spreadsheet programs read the file as UTF-8. */
  bom?: boolean;
  /** Called after each row is read, with the number so far (for a progress line). */
  onProgress?: (rows: number) => void;
}

export interface SignatureExportPlan {
  letter: LetterRow;
  filters: ExportFilters;
  filename: string;
}

export interface SignatureExportResult {
  rows: number;
}

const HEADER = [
  'id',
  'state',
  'name',
  'role',
  'organisation',
  'matched_organisation',
  'affiliation_verified',
  'email',
  'email_domain',
  'comment',
  'public',
  'contact_me',
  'featured',
  'letter_version_sha256',
  'signed_at',
  'confirmed_at',
  'moderated_at',
] as const;

interface ExportRow {
  id: number;
  state: string;
  name: string;
  role: string;
  organisation: string;
  matchedOrganisation: string | null;
  affiliationVerified: number;
  email: string;
  emailDomain: string;
  comment: string;
  showPublic: number;
  contactMe: number;
  featured: number;
  versionSha256: string;
  signedAt: number;
  confirmedAt: number | null;
  moderatedAt: number | null;
}

/** `keep-defensive-ai-open-signatures-20261128T0412Z.csv`: the letter and the UTC minute. */
export function exportFilename(slug: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').slice(0, 13);
  return `${slug}-signatures-${stamp}Z.csv`;
}

/**
 * Checks an export before anything is written: the letter exists and the filters are valid
 * (422 otherwise). A route calls this first, so an error page is never sent as a download.
 */
export function planSignatureExport(ctx: Context, request: Pick<SignatureExportRequest, 'letterId' | 'filters'>): SignatureExportPlan {
  const letter = findLetter(ctx.db, { id: request.letterId });
  const filters = parseExportFilters(request.filters);
  return { letter, filters, filename: exportFilename(letter.slug, ctx.now()) };
}

/**
 * Streams a letter's signatures as CSV (RFC 4180, UTF-8, header row, one row per signature,
 * oldest first) into `output` and ends it. Rows come straight from a database iterator through
 * a pull-based stream, so memory stays flat however many rows there are and a slow reader slows
 * the query rather than filling a buffer. Every export is audited once the stream is over, with
 * its filters and the number of rows, including one that broke off.
 */
export async function exportSignatures(ctx: Context, request: SignatureExportRequest, output: Writable | NodeJS.WritableStream): Promise<SignatureExportResult> {
  const { letter, filters } = planSignatureExport(ctx, request);
  const query = signaturesQuery(letter.id, filters, request.includeEmails);
  const reader = openReadConnection(ctx.db);
  let rows = 0;
  let complete = false;
  function* records(): Generator<string[]> {
    for (const row of reader.sqlite.prepare(query.sql).iterate(...query.params) as IterableIterator<ExportRow>) {
      rows += 1;
      request.onProgress?.(rows);
      yield toCells(row);
    }
  }
  try {
    await pipeline(
      Readable.from(records()),
      stringify({ header: true, columns: [...HEADER], bom: request.bom ?? false, record_delimiter: 'windows' }),
      output,
    );
    complete = true;
  } finally {
    reader.close();
    recordAudit(
      ctx.db,
      {
        actor: request.actor,
        action: 'export.csv',
        subject: `letter:${letter.slug}`,
        details: { filters: describeFilters(filters), includeEmails: request.includeEmails, bom: request.bom ?? false, rows, complete },
      },
      ctx.now(),
    );
  }
  return { rows };
}

function signaturesQuery(letterId: number, filters: ExportFilters, includeEmails: boolean): { sql: string; params: unknown[] } {
  const conditions = ['s.letter_id = ?'];
  const params: unknown[] = [letterId];
  if (filters.state !== 'all') {
    conditions.push('s.state = ?');
    params.push(filters.state);
  }
  if (filters.verified !== undefined) {
    conditions.push('s.affiliation_verified = ?');
    params.push(filters.verified ? 1 : 0);
  }
  if (filters.since) {
    conditions.push('s.signed_at >= ?');
    params.push(filters.since.getTime());
  }
  // A withdrawn signer asked to be left alone: their address is not handed on, even to owners.
  const email = includeEmails ? "CASE WHEN s.state = 'withdrawn' THEN '' ELSE s.email END" : "''";
  const sql = `
    SELECT s.id AS id, s.state AS state, s.name AS name, s.title AS role, s.organisation_text AS organisation,
      o.name AS matchedOrganisation, s.affiliation_verified AS affiliationVerified, ${email} AS email,
      s.email_domain AS emailDomain, s.comment AS comment, s.show_public AS showPublic,
      s.contact_updates AS contactMe, s.featured AS featured, v.sha256 AS versionSha256,
      s.signed_at AS signedAt, s.confirmed_at AS confirmedAt, s.moderated_at AS moderatedAt
    FROM signatures s
    JOIN letter_versions v ON v.id = s.version_id
    LEFT JOIN organisations o ON o.id = s.organisation_id
    WHERE ${conditions.join(' AND ')}
    ORDER BY s.id`;
  return { sql, params };
}

const yesNo = (flag: number): string => (flag ? 'yes' : 'no');
const isoTime = (ms: number | null): string => (ms === null ? '' : new Date(ms).toISOString());

function toCells(row: ExportRow): string[] {
  return [
    String(row.id),
    row.state,
    row.name,
    row.role,
    row.organisation,
    row.matchedOrganisation ?? '',
    yesNo(row.affiliationVerified),
    row.email,
    row.emailDomain,
    row.comment,
    yesNo(row.showPublic),
    yesNo(row.contactMe),
    yesNo(row.featured),
    row.versionSha256,
    isoTime(row.signedAt),
    isoTime(row.confirmedAt),
    isoTime(row.moderatedAt),
  ].map(neutraliseFormula);
}

import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Context } from '../context.js';
import { CsvEncoder, csvHeader, RECORD_SEPARATOR, UNIT_SEPARATOR, type CellKind, type LookupKind } from '../lib/csv/index.js';
import { openExportReader, type ExportChunk, type ExportReader } from '../db/export-reader.js';
import { describeFilters, parseExportFilters, type ExportFilterInput, type ExportFilters } from './filters.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { findLetterById, type LetterRow } from '../letters/index.js';

export interface SignatureExportRequest {
  letterId: number;
  filters: ExportFilterInput;
  /** Owners and operators get addresses; everyone else gets the column without values. */
  includeEmails: boolean;
  actor: Actor;
  /** A byte-order mark first, so spreadsheet programs read the file as UTF-8. */
  bom?: boolean;
  /** Called after each chunk of rows is read, with the number of rows so far (for a progress line). */
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

/** `keep-defensive-ai-open-signatures-20261128T0412Z.csv`: the letter and the UTC minute. */
export function exportFilename(slug: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').slice(0, 13);
  return `${slug}-signatures-${stamp}Z.csv`;
}

/**
 * Checks an export before anything is written: the letter exists and the filters are valid
 * (422 otherwise). A route calls this first, so an error page is never sent as a download.
 */
export async function planSignatureExport(ctx: Context, request: Pick<SignatureExportRequest, 'letterId' | 'filters'>): Promise<SignatureExportPlan> {
  const letter = await findLetterById(ctx.db, request.letterId);
  const filters = parseExportFilters(request.filters);
  return { letter, filters, filename: exportFilename(letter.slug, ctx.now()) };
}

/** Rows read and encoded per chunk (some 64 KB of CSV): memory stays flat and the per-query cost small. */
const ROWS_PER_CHUNK = 256;
/** A few chunks are read ahead while the output is still writing the last one. */
const READ_AHEAD_BYTES = 256 * 1024;

/**
 * Streams a letter's signatures as CSV (RFC 4180, UTF-8, header row, one row per signature,
 * oldest first) into `output` and ends it. Rows are read a chunk at a time, only when the output
 * asks for more, so memory stays flat however many rows there are and a slow reader slows the
 * query rather than filling a buffer. Every export is audited once the stream is over, with its
 * filters and the number of rows, including one that broke off.
 */
export async function exportSignatures(ctx: Context, request: SignatureExportRequest, output: Writable | NodeJS.WritableStream): Promise<SignatureExportResult> {
  const { letter, filters } = await planSignatureExport(ctx, request);
  const reader = await openExportReader(ctx.db);
  let rows = 0;
  let complete = false;
  try {
    const columns = await exportColumns(reader, letter.id, request.includeEmails);
    const chunks = csvChunks(reader, signaturesQuery(letter.id, filters, columns), columns, request.bom ?? false, (count) => {
      rows += count;
      request.onProgress?.(rows);
    });
    await pipeline(Readable.from(chunks, { objectMode: false, highWaterMark: READ_AHEAD_BYTES }), output);
    complete = true;
  } finally {
    await reader.close();
    await ctx.db.write((tx) =>
      recordAudit(
        tx,
        {
          actor: request.actor,
          action: 'export.csv',
          subject: `letter:${letter.slug}`,
          details: { filters: describeFilters(filters), includeEmails: request.includeEmails, bom: request.bom ?? false, rows, complete },
        },
        ctx.now(),
      ),
    );
  }
  return { rows };
}

interface ExportColumn {
  header: string;
  /** Never null: concat_ws would leave a null out of the packed row. The same on both engines. */
  sql: string;
  kind: CellKind;
}

/** A 0/1 flag from a boolean column: SQLite stores 1/0, PostgreSQL a boolean. */
const flag = (column: string): string => `CASE WHEN ${column} THEN 1 ELSE 0 END`;
/** An optional time (epoch milliseconds), or an empty cell. */
const optionalTime = (column: string): string => `coalesce(CAST(${column} AS text), '')`;

async function exportColumns(reader: ExportReader, letterId: number, includeEmails: boolean): Promise<ExportColumn[]> {
  const organisationName = await lookup(reader, 'SELECT id, name FROM organisations', []);
  const versionSha256 = await lookup(reader, 'SELECT id, sha256 FROM letter_versions WHERE letter_id = ?', [letterId]);
  return [
    { header: 'id', sql: 's.id', kind: 'key' },
    { header: 'state', sql: 's.state', kind: 'text' },
    { header: 'name', sql: 's.name', kind: 'text' },
    { header: 'role', sql: 's.title', kind: 'text' },
    { header: 'organisation', sql: 's.organisation_text', kind: 'text' },
    { header: 'matched_organisation', sql: "coalesce(CAST(s.organisation_id AS text), '')", kind: organisationName },
    { header: 'affiliation_verified', sql: flag('s.affiliation_verified'), kind: 'flag' },
    // A withdrawn signer asked to be left alone: their address is not handed on, even to owners.
    { header: 'email', sql: includeEmails ? "CASE WHEN s.state = 'withdrawn' THEN '' ELSE s.email END" : "''", kind: 'text' },
    { header: 'email_domain', sql: 's.email_domain', kind: 'text' },
    { header: 'comment', sql: 's.comment', kind: 'text' },
    { header: 'public', sql: flag('s.show_public'), kind: 'flag' },
    { header: 'contact_me', sql: flag('s.contact_updates'), kind: 'flag' },
    { header: 'featured', sql: flag('s.featured'), kind: 'flag' },
    { header: 'letter_version_sha256', sql: 's.version_id', kind: versionSha256 },
    // The language the signer read and signed in: the original's, or a translation's (the version above is in it).
    { header: 'language', sql: 's.lang', kind: 'text' },
    { header: 'signed_at', sql: 's.signed_at', kind: 'time' },
    { header: 'confirmed_at', sql: optionalTime('s.confirmed_at'), kind: 'time' },
    { header: 'moderated_at', sql: optionalTime('s.moderated_at'), kind: 'time' },
    // The partner ref the signer came through (organisers only; never public).
    { header: 'source', sql: "coalesce(s.source, '')", kind: 'text' },
  ];
}

/** Names and hashes that repeat on many rows are read once (in the export's snapshot) instead of being joined into every row. */
async function lookup(reader: ExportReader, sql: string, params: unknown[]): Promise<LookupKind> {
  const texts = await reader.lookup(sql, params);
  return { lookup: (id) => texts.get(id) ?? '' };
}

function signaturesQuery(letterId: number, filters: ExportFilters, columns: readonly ExportColumn[]) {
  const conditions = ['s.letter_id = ?'];
  const params: unknown[] = [letterId];
  if (filters.state !== 'all') {
    conditions.push('s.state = ?');
    params.push(filters.state);
  }
  if (filters.verified !== undefined) {
    conditions.push(filters.verified ? 's.affiliation_verified = TRUE' : 's.affiliation_verified = FALSE');
  }
  if (filters.since) {
    conditions.push('s.signed_at >= ?');
    params.push(filters.since.getTime());
  }
  return {
    cells: columns.map((column) => column.sql),
    where: conditions.join(' AND '),
    params,
    rowsPerChunk: ROWS_PER_CHUNK,
    separators: { unit: UNIT_SEPARATOR, record: RECORD_SEPARATOR },
  };
}

/** The CSV as chunks of bytes: the header, then the rows a chunk at a time, all on the reader's one snapshot. */
async function* csvChunks(reader: ExportReader, query: ReturnType<typeof signaturesQuery>, columns: readonly ExportColumn[], bom: boolean, onRows: (count: number) => void): AsyncGenerator<Buffer> {
  const encoder = new CsvEncoder(columns.map((column) => column.kind));
  yield csvHeader(columns.map((column) => column.header), bom);
  for await (const chunk of reader.chunks(query)) {
    const encoded = encode(encoder, chunk);
    onRows(encoded.rows);
    yield encoded.csv;
  }
}

/** A packed chunk whose values hold a separator (rare) is read again a value per cell. */
const encode = (encoder: CsvEncoder, chunk: ExportChunk) =>
  'packed' in chunk ? (encoder.encodePacked(chunk.packed, chunk.rowCount) ?? encoder.encodeRows(chunk.plain())) : encoder.encodeRows(chunk.rows);

import type { SqliteConnection } from '../db/client.js';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Context } from '../context.js';
import { openReadConnection } from '../db/read-connection.js';
import { CsvEncoder, csvHeader, RECORD_SEPARATOR, UNIT_SEPARATOR, type CellKind, type CellValue, type LookupKind } from '../lib/csv/index.js';
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
export function planSignatureExport(ctx: Context, request: Pick<SignatureExportRequest, 'letterId' | 'filters'>): SignatureExportPlan {
  const letter = findLetterById(ctx.db, request.letterId);
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
  const { letter, filters } = planSignatureExport(ctx, request);
  const reader = openReadConnection(ctx.db);
  let rows = 0;
  let complete = false;
  try {
    const columns = exportColumns(reader.sqlite, request.includeEmails);
    const chunks = csvChunks(reader.sqlite, signaturesQueries(letter.id, filters, columns), columns, request.bom ?? false, (count) => {
      rows += count;
      request.onProgress?.(rows);
    });
    await pipeline(Readable.from(chunks, { objectMode: false, highWaterMark: READ_AHEAD_BYTES }), output);
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

interface ExportColumn {
  header: string;
  /** Never null: concat_ws would leave a null out of the packed row. */
  sql: string;
  kind: CellKind;
}

function exportColumns(sqlite: SqliteConnection, includeEmails: boolean): ExportColumn[] {
  const organisationName = lookup(sqlite, 'SELECT name FROM organisations WHERE id = ?');
  const versionSha256 = lookup(sqlite, 'SELECT sha256 FROM letter_versions WHERE id = ?');
  return [
    { header: 'id', sql: 's.id', kind: 'key' },
    { header: 'state', sql: 's.state', kind: 'text' },
    { header: 'name', sql: 's.name', kind: 'text' },
    { header: 'role', sql: 's.title', kind: 'text' },
    { header: 'organisation', sql: 's.organisation_text', kind: 'text' },
    { header: 'matched_organisation', sql: "ifnull(s.organisation_id, '')", kind: organisationName },
    { header: 'affiliation_verified', sql: 's.affiliation_verified', kind: 'flag' },
    // A withdrawn signer asked to be left alone: their address is not handed on, even to owners.
    { header: 'email', sql: includeEmails ? "iif(s.state = 'withdrawn', '', s.email)" : "''", kind: 'text' },
    { header: 'email_domain', sql: 's.email_domain', kind: 'text' },
    { header: 'comment', sql: 's.comment', kind: 'text' },
    { header: 'public', sql: 's.show_public', kind: 'flag' },
    { header: 'contact_me', sql: 's.contact_updates', kind: 'flag' },
    { header: 'featured', sql: 's.featured', kind: 'flag' },
    { header: 'letter_version_sha256', sql: 's.version_id', kind: versionSha256 },
    { header: 'signed_at', sql: 's.signed_at', kind: 'time' },
    { header: 'confirmed_at', sql: "ifnull(s.confirmed_at, '')", kind: 'time' },
    { header: 'moderated_at', sql: "ifnull(s.moderated_at, '')", kind: 'time' },
  ];
}

/** Names and hashes that repeat on many rows are read once each (in the export's snapshot) instead of being joined into every row. */
function lookup(sqlite: SqliteConnection, sql: string): LookupKind {
  const statement = sqlite.prepare(sql).pluck();
  return { lookup: (id) => (statement.get(id) as string | undefined) ?? '' };
}

interface SignaturesQueries {
  /** The id that closes the chunk after a given id: the ROWS_PER_CHUNK-th row after it, found in the index alone. */
  chunkEnd: string;
  /** One chunk as [row count, the rows packed into one blob]: one value to hand over instead of a value per cell. */
  packed: string;
  /** The same chunk as one value per cell, for the rare chunk whose values hold a packing separator. */
  plain: string;
  /** The filters' params; a chunk's ids (after, through) follow them. */
  params: unknown[];
}

function signaturesQueries(letterId: number, filters: ExportFilters, columns: readonly ExportColumn[]): SignaturesQueries {
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
  const where = conditions.join(' AND ');
  const cells = columns.map((column) => column.sql).join(', ');
  // An id range rather than LIMIT: rows are packed straight from the index instead of going
  // through a LIMIT subquery first, which costs SQLite noticeably more. group_concat keeps the
  // index order here; that is not promised, so the encoder checks that the ids rise (an ORDER BY
  // inside group_concat would sort every chunk again).
  return {
    chunkEnd: `SELECT s.id FROM signatures s WHERE ${where} AND s.id > ? ORDER BY s.id LIMIT 1 OFFSET ${ROWS_PER_CHUNK - 1}`,
    packed: `
      SELECT count(*), CAST(group_concat(concat_ws(char(${UNIT_SEPARATOR.charCodeAt(0)}), ${cells}), char(${RECORD_SEPARATOR.charCodeAt(0)})) AS BLOB)
      FROM signatures s WHERE ${where} AND s.id > ? AND s.id <= ?`,
    plain: `SELECT ${cells} FROM signatures s WHERE ${where} AND s.id > ? AND s.id <= ? ORDER BY s.id`,
    params,
  };
}

/**
 * The CSV as chunks of bytes: the header, then ROWS_PER_CHUNK rows at a time. The chunks are
 * separate queries, so one read transaction keeps them on one snapshot of the database.
 */
function* csvChunks(
  sqlite: SqliteConnection,
  queries: SignaturesQueries,
  columns: readonly ExportColumn[],
  bom: boolean,
  onRows: (count: number) => void,
): Generator<Buffer> {
  const chunkEnd = sqlite.prepare(queries.chunkEnd).pluck();
  const packed = sqlite.prepare(queries.packed).raw();
  const plain = sqlite.prepare(queries.plain).raw();
  const encoder = new CsvEncoder(columns.map((column) => column.kind));
  // The transaction ends when the connection is closed. An in-memory database is read on the
  // shared connection (see openReadConnection): a transaction there would take in other writes,
  // so it is read without one.
  if (!sqlite.memory) sqlite.exec('BEGIN');
  yield csvHeader(columns.map((column) => column.header), bom);
  let afterId = Number.MIN_SAFE_INTEGER;
  for (;;) {
    const chunkEndId = chunkEnd.get(...queries.params, afterId) as number | undefined;
    const chunkParams = [...queries.params, afterId, chunkEndId ?? Number.MAX_SAFE_INTEGER];
    const [rowCount, rows] = packed.get(...chunkParams) as [number, Buffer | null];
    if (rows !== null) {
      const encoded = encoder.encodePacked(rows, rowCount) ?? encoder.encodeRows(plain.all(...chunkParams) as CellValue[][]);
      onRows(encoded.rows);
      yield encoded.csv;
    }
    if (chunkEndId === undefined) return; // that chunk took whatever was left
    afterId = chunkEndId;
  }
}

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import { CsvEncoder, csvHeader } from './encoder.js';

export interface CsvColumn<T> {
  header: string;
  value(record: T): string;
}

/** Rows encoded at a time: a chunk big enough to send in one write, small enough to hold no more than a page of the list. */
const ROWS_PER_CHUNK = 256;

/**
 * Sends records as an RFC 4180 CSV download through the one encoder (and so the one formula rule),
 * streamed with back-pressure: `records` is pulled a chunk of rows at a time, so a generator can
 * read the database in pages between writes.
 */
export async function sendCsv<T>(res: Response, filename: string, columns: readonly CsvColumn<T>[], records: Iterable<T> | AsyncIterable<T>): Promise<void> {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
  try {
    // A BOM so spreadsheet programs read the names as UTF-8.
    await pipeline(Readable.from(csvChunks(columns, records, true)), res);
  } catch (error) {
    // The reader went away mid-download: nothing to answer.
    if ((error as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
  }
}

async function* csvChunks<T>(columns: readonly CsvColumn<T>[], records: Iterable<T> | AsyncIterable<T>, bom: boolean): AsyncGenerator<Buffer> {
  yield csvHeader(columns.map((column) => column.header), bom);
  const encoder = new CsvEncoder(columns.map(() => 'text'));
  let rows: string[][] = [];
  for await (const record of records) {
    rows.push(columns.map((column) => column.value(record)));
    if (rows.length === ROWS_PER_CHUNK) {
      yield encoder.encodeRows(rows).csv;
      rows = [];
    }
  }
  if (rows.length > 0) yield encoder.encodeRows(rows).csv;
}

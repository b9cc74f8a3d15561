import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Response } from 'express';
import { neutraliseFormula } from './formula.js';

export interface CsvColumn<T> {
  header: string;
  value(record: T): string;
}

/**
 * Sends records as an RFC 4180 CSV download, streamed with back-pressure: `records` is pulled one
 * row at a time, so a generator can read the database in pages between writes.
 */
export async function sendCsv<T>(res: Response, filename: string, columns: readonly CsvColumn<T>[], records: Iterable<T>): Promise<void> {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
  const rows = Readable.from(
    (function* () {
      for (const record of records) yield columns.map((column) => column.value(record));
    })(),
  );
  // A BOM so spreadsheet programs read the names as UTF-8.
  const csv = stringify({ header: true, columns: columns.map((column) => column.header), bom: true, record_delimiter: 'windows', cast: { string: neutraliseFormula } });
  try {
    await pipeline(rows, csv, res);
  } catch (error) {
    // The reader went away mid-download: nothing to answer.
    if ((error as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
  }
}

import { CsvError, parse } from 'csv-parse/sync';

/** A data row of a CSV file, by its header's names, with the line of the file it ends on (for error messages). */
export interface CsvRecord {
  line: number;
  values: Record<string, string>;
}

/** The file is not a CSV this reader can take: a one-line reason, with the line when there is one. */
export class CsvReadError extends Error {
  override name = 'CsvReadError';
}

/**
 * Reads a UTF-8 CSV file (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes; a
 * byte-order mark is skipped) whose first row names exactly the `columns`, in any order and case.
 * Blank lines are skipped. Throws CsvReadError for anything else.
 */
export function readCsvRecords(bytes: Buffer, columns: readonly string[]): CsvRecord[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CsvReadError('the file is not UTF-8 text: save it as "CSV UTF-8"');
  }
  let rows: Array<{ record: string[]; info: { lines: number } }>;
  try {
    rows = parse(text, { bom: true, info: true, skip_empty_lines: true, relax_column_count: false }) as unknown as typeof rows;
  } catch (error) {
    if (error instanceof CsvError) throw new CsvReadError(`line ${(error as CsvError & { lines?: number }).lines ?? '?'}: ${error.message.replace(/^Invalid Record Length: /, '')}`);
    throw error;
  }
  const [header, ...data] = rows;
  if (!header) throw new CsvReadError(`the file is empty: its first row must name the columns ${columns.join(',')}`);
  const names = header.record.map((name) => name.trim().toLowerCase());
  const missing = columns.filter((column) => !names.includes(column));
  const unknown = names.filter((name) => !columns.includes(name));
  if (missing.length > 0 || unknown.length > 0 || names.length !== columns.length) {
    throw new CsvReadError(`line 1: the header must name the columns ${columns.join(',')} (found ${names.join(',') || 'none'})`);
  }
  return data.map(({ record, info }) => ({ line: info.lines, values: Object.fromEntries(names.map((name, i) => [name, record[i] ?? ''])) }));
}

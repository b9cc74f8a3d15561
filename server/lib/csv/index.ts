/**
 * Every CSV this project writes (and the one kind it reads), from one module with one formula rule:
 * - formula.ts: the rule itself (a cell that a spreadsheet would read as a formula gets a leading `'`);
 * - encoder.ts: the byte-level RFC 4180 encoder that applies it (the organisers' export runs
 *   a million rows through it, so it works on the bytes SQLite hands over);
 * - download.ts: a CSV download of records, for the public list;
 * - read.ts: the one CSV reader (signatories gathered elsewhere, imported from a file).
 */
export { FORMULA_START_CHARACTERS, neutraliseFormula } from './formula.js';
export { CsvEncoder, csvHeader, RECORD_SEPARATOR, UNIT_SEPARATOR, type CellKind, type CellValue, type EncodedRows, type LookupKind } from './encoder.js';
export { sendCsv, type CsvColumn } from './download.js';
export { CsvReadError, readCsvRecords, type CsvRecord } from './read.js';

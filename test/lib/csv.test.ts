import { parse } from 'csv-parse/sync';
import express from 'express';
import fc from 'fast-check';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  CsvEncoder,
  csvHeader,
  FORMULA_START_CHARACTERS,
  neutraliseFormula,
  RECORD_SEPARATOR,
  sendCsv,
  UNIT_SEPARATOR,
  type CellKind,
  type CellValue,
  type CsvColumn,
} from '../../server/lib/csv/index.js';

/** One CSV row of text cells, as the encoder writes it. */
const textRow = (...values: string[]): string => new CsvEncoder(values.map(() => 'text')).encodeRows([values]).csv.toString('utf8');

/** Rows packed the way the export's query packs them: cells joined by US, rows by RS, integers in decimal, null as nothing. */
const pack = (rows: readonly (readonly CellValue[])[]): Buffer =>
  Buffer.from(rows.map((row) => row.map((value) => (value === null ? '' : String(value))).join(UNIT_SEPARATOR)).join(RECORD_SEPARATOR));

/** What RFC 4180 and the formula rule make of one text cell, written the obvious way. */
const expectedCell = (value: string): string => {
  const safe = neutraliseFormula(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

const MIN_TIME = Date.parse('0001-01-01T00:00:00Z');
const MAX_TIME = Date.parse('9999-12-31T23:59:59.999Z');

describe('CSV cells', () => {
  it('when a cell holds a quote, comma, CR or LF, then it is quoted and its quotes doubled', () => {
    expect(textRow('plain', 'a,b', 'say "hi"', 'line\rbreak', 'line\nbreak', '"')).toBe('plain,"a,b","say ""hi""","line\rbreak","line\nbreak",""""\r\n');
  });

  it('when a cell starts like a formula, then an apostrophe goes first, inside the quotes when it is quoted', () => {
    expect(textRow('=1+1', '=HYPERLINK("http://evil.example","x")', '-2,3', '@SUM(A1)', 'a=b', "'quoted")).toBe(
      `'=1+1,"'=HYPERLINK(""http://evil.example"",""x"")","'-2,3",'@SUM(A1),a=b,'quoted\r\n`,
    );
    for (const start of FORMULA_START_CHARACTERS) expect(textRow(`${start}x`, 'y')).toBe(`${expectedCell(`${start}x`)},y\r\n`);
    expect(textRow('＝1+1', '＠SUM(A1)', '東京')).toBe("'＝1+1,'＠SUM(A1),東京\r\n");
  });

  it('when a cell is empty or not ASCII, then it is written as it is', () => {
    expect(textRow('', 'Zoë 🔐 مريم 東京', '')).toBe(',Zoë 🔐 مريم 東京,\r\n');
  });

  it('when any text is encoded, then it is exactly what neutraliseFormula and RFC 4180 quoting make of it', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 30 }), { minLength: 1, maxLength: 5 }), (values) => {
        expect(textRow(...values)).toBe(`${values.map(expectedCell).join(',')}\r\n`);
      }),
    );
  });

  it('when flags and times are encoded, then they read yes/no and the same ISO 8601 text as Date#toISOString', () => {
    const encoder = new CsvEncoder(['flag', 'flag', 'time', 'time']);
    expect(encoder.encodeRows([[1, 0, null, 0]]).csv.toString()).toBe('yes,no,,1970-01-01T00:00:00.000Z\r\n');
    fc.assert(
      fc.property(fc.integer({ min: MIN_TIME, max: MAX_TIME }), (ms) => {
        expect(encoder.encodeRows([[0, 1, ms, -ms]]).csv.toString()).toBe(`no,yes,${new Date(ms).toISOString()},${new Date(-ms).toISOString()}\r\n`);
      }),
      { numRuns: 2000 },
    );
  });

  it('when an id is looked up, then its text is made safe like any text and asked for once', () => {
    const asked: number[] = [];
    const names = new Map([[7, 'Acme, Inc.'], [8, '=cmd']]);
    const encoder = new CsvEncoder(['key', { lookup: (id) => (asked.push(id), names.get(id) ?? '') }]);
    const rows = [[1, 7], [2, 8], [3, 7], [4, null]];
    expect(encoder.encodePacked(pack(rows), rows.length)?.csv.toString()).toBe(`1,"Acme, Inc."\r\n2,'=cmd\r\n3,"Acme, Inc."\r\n4,\r\n`);
    expect(asked).toEqual([7, 8]);
  });

  it('when asked for a byte-order mark, then the header row comes after one', () => {
    expect(csvHeader(['id', 'name'], true).toString()).toBe('\uFEFFid,name\r\n');
    expect(csvHeader(['id', 'name'], false).toString()).toBe('id,name\r\n');
  });
});

describe('packed rows', () => {
  const kinds: CellKind[] = ['key', 'text', 'flag', 'time', 'text', { lookup: (id) => `version ${id}` }];
  const separators = new RegExp(`[${UNIT_SEPARATOR}${RECORD_SEPARATOR}]`, 'g');
  const text = fc.string({ unit: 'binary', maxLength: 30 }).map((value) => value.replace(separators, ''));
  const rowsOf = (keys: number[]) =>
    fc.tuple(...keys.map((key) => fc.tuple(fc.constant(key), text, fc.constantFrom(0, 1), fc.option(fc.integer({ min: MIN_TIME, max: MAX_TIME })), text, fc.option(fc.nat(5)))));
  const rows = fc.uniqueArray(fc.nat(1_000_000), { minLength: 1, maxLength: 20 }).chain((keys) => rowsOf(keys.sort((a, b) => a - b)));

  it('when rows are packed, then encoding the pack gives the same bytes as encoding their values', () => {
    fc.assert(
      fc.property(rows, (values) => {
        expect(new CsvEncoder(kinds).encodePacked(pack(values), values.length)).toEqual(new CsvEncoder(kinds).encodeRows(values));
      }),
    );
  });

  it('when a value holds a separator itself, then the pack is declined and the values are still written intact', () => {
    const encoder = new CsvEncoder(['key', 'text', 'time']);
    for (const odd of [`a${UNIT_SEPARATOR}b`, `a${RECORD_SEPARATOR}b`, `${UNIT_SEPARATOR}1${RECORD_SEPARATOR}2`]) {
      const values = [[1, odd, 0], [2, 'plain', 1]];
      expect(encoder.encodePacked(pack(values), values.length)).toBeNull();
      expect(encoder.encodeRows(values).csv.toString()).toBe(`1,${odd},1970-01-01T00:00:00.000Z\r\n2,plain,1970-01-01T00:00:00.001Z\r\n`);
    }
  });

  it('when the keys do not rise or a number is not a number, then the pack is declined', () => {
    const encoder = new CsvEncoder(['key', 'flag', 'time']);
    expect(encoder.encodePacked(pack([[2, 1, 5], [1, 1, 5]]), 2)).toBeNull();
    expect(encoder.encodePacked(pack([[1, 'yes', 5]]), 1)).toBeNull();
    expect(encoder.encodePacked(pack([[1, 1, '5.5']]), 1)).toBeNull();
    expect(encoder.encodePacked(pack([[1, 1, '-']]), 1)).toBeNull();
    expect(encoder.encodePacked(pack([[1, 1, 5]]), 2)).toBeNull();
    expect(encoder.encodePacked(pack([[1, 1, 5]]), 1)?.csv.toString()).toBe('1,yes,1970-01-01T00:00:00.005Z\r\n');
  });
});

describe('a CSV download', () => {
  const columns: CsvColumn<readonly string[]>[] = [
    { header: 'Name', value: (record) => record[0]! },
    { header: 'Organisation', value: (record) => record[1]! },
  ];
  /** The download as a reader gets it: a real Express app answering over HTTP. */
  const download = (records: readonly (readonly string[])[]) => {
    const app = express();
    app.get('/list.csv', (_req, res) => sendCsv(res, 'list.csv', columns, records));
    return request(app).get('/list.csv').expect(200);
  };

  it('when a cell holds a bare line break, then it stays in its cell, so the text after it can start neither a row nor a formula', async () => {
    const res = await download([['Ann\n=1+1', 'Acme\r@SUM(A1)'], ['Bob', 'Beta']]);
    // Read as the spreadsheets that end a row at any line break do, not only at CRLF.
    expect(parse(res.text, { bom: true, columns: true, record_delimiter: ['\r\n', '\n', '\r'] })).toEqual([
      { Name: 'Ann\n=1+1', Organisation: 'Acme\r@SUM(A1)' },
      { Name: 'Bob', Organisation: 'Beta' },
    ]);
  });

  it('when the records run over several chunks, then the file is the header after a BOM and every record once, in order, made safe like any cell', async () => {
    const cell = fc.string({ unit: 'grapheme', maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(cell, cell), { maxLength: 700 }), async (records) => {
        const res = await download(records);
        expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
        expect(res.text).toBe(`\uFEFFName,Organisation\r\n${records.map((record) => `${record.map(expectedCell).join(',')}\r\n`).join('')}`);
      }),
      { numRuns: 25 },
    );
  });
});

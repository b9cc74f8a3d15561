import { FORMULA_START_CHARACTERS } from './csv-cell.js';

/** An integer id whose cell is the text it stands for (looked up once per id). */
export interface LookupKind {
  lookup(id: number): string;
}

/**
 * How a column's value becomes a CSV field: `text` made safe and quoted, a 0/1 `flag` as no/yes,
 * epoch milliseconds as an ISO 8601 UTC `time`, the row's integer `key` as it is (packed rows must
 * come in rising key order), or a lookup.
 */
export type CellKind = 'text' | 'flag' | 'time' | 'key' | LookupKind;

/** A value as better-sqlite3 returns it. */
export type CellValue = string | number | bigint | Buffer | null;

/** Between the cells of a packed row and between packed rows: ASCII's own unit and record separators. */
export const UNIT_SEPARATOR = '\x1f';
export const RECORD_SEPARATOR = '\x1e';

const byte = (char: string): number => char.charCodeAt(0);
const US = byte(UNIT_SEPARATOR);
const RS = byte(RECORD_SEPARATOR);
/** What follows the last cell of the last packed row. */
const END_OF_ROWS = -1;
const QUOTE = byte('"');
const APOSTROPHE = byte("'");
const MINUS = byte('-');
const ZERO = byte('0');
const YES = Buffer.from('yes');
const NO = Buffer.from('no');
const COMMA = byte(',');
const CR = byte('\r');
const LF = byte('\n');
const TIME_OF_DAY = Buffer.from('00:00:00.000Z');

const PLAIN = 0;
const NEEDS_QUOTES = 1;
const ENDS_CELL = 2;

/** What each byte means while reading a cell: RFC 4180 quotes a field holding `"`, `,`, CR or LF. */
function byteClasses(cellEnds: string): Uint8Array {
  const classes = new Uint8Array(256).fill(PLAIN);
  for (const char of '",\r\n') classes[byte(char)] = NEEDS_QUOTES;
  for (const char of cellEnds) classes[byte(char)] = ENDS_CELL;
  return classes;
}
const IN_PACKED_ROWS = byteClasses(UNIT_SEPARATOR + RECORD_SEPARATOR);
const IN_ONE_VALUE = byteClasses('');

// Every formula-start character is ASCII, so testing a cell's first byte is testing its first character.
const FORMULA_START = new Uint8Array(256);
for (const char of FORMULA_START_CHARACTERS) FORMULA_START[byte(char)] = 1;

// Kinds as small numbers: comparing those in the loop over every cell is far cheaper than comparing a string with an object.
const TEXT = 0;
const KEY = 1;
const FLAG = 2;
const TIME = 3;
const LOOKUP = 4;
const kindCode = (kind: CellKind): number => (kind === 'text' ? TEXT : kind === 'key' ? KEY : kind === 'flag' ? FLAG : kind === 'time' ? TIME : LOOKUP);

const DAY_MS = 86_400_000;
/** Room for any flag, time, key or separator, and for the quotes and apostrophe around a text. */
const CELL_OVERHEAD = 32;

/** Where reading has got to in the source and writing in the output. */
interface Cursor {
  source: Buffer;
  at: number;
  out: Buffer;
  pos: number;
}

/**
 * Writes CSV rows (RFC 4180, CRLF line ends, formula cells neutralised like neutraliseFormula)
 * as UTF-8 bytes, straight from the bytes SQLite hands over: a million rows are never decoded
 * into JavaScript strings only to be encoded again, which would be most of an export's time.
 */
export class CsvEncoder {
  readonly #codes: readonly number[];
  /** By column, for each lookup: the cell of every id seen so far. */
  readonly #lookups = new Map<number, { kind: LookupKind; cells: Map<number, Buffer> }>();
  readonly #datePrefixes = new Map<number, Buffer>();

  constructor(kinds: readonly CellKind[]) {
    this.#codes = kinds.map(kindCode);
    kinds.forEach((kind, column) => {
      if (typeof kind === 'object') this.#lookups.set(column, { kind, cells: new Map() });
    });
  }

  /**
   * Rows that SQLite packed into one blob: each row's cells joined by UNIT_SEPARATOR, the rows
   * joined by RECORD_SEPARATOR. Null when the cells do not line up with the kinds (a value that
   * holds a separator itself) or the keys do not rise: the caller then reads those rows as values.
   */
  encodePacked(packed: Buffer, rowCount: number): Buffer | null {
    const codes = this.#codes;
    const lastColumn = codes.length - 1;
    const cursor = startCursor(packed, 2 * packed.length + rowCount * codes.length * CELL_OVERHEAD);
    let previousKey = -Infinity;
    for (let row = 0; row < rowCount; row += 1) {
      for (let column = 0; column <= lastColumn; column += 1) {
        const code = codes[column]!;
        const start = cursor.at;
        ensureRoom(cursor, 2 * (packed.length - start) + CELL_OVERHEAD);
        if (code === KEY) {
          const key = readDigits(cursor);
          if (key === null || !(key > previousKey)) return null;
          previousKey = key;
          cursor.at = start;
        }
        if (code === TEXT || code === KEY) {
          writeText(cursor, IN_PACKED_ROWS);
        } else {
          // Anything after the digits is caught below as a separator out of place.
          const value = readDigits(cursor);
          if (code === FLAG && value === null) return null;
          this.#writeInteger(cursor, column, value);
        }
        const separator = cursor.at < packed.length ? packed[cursor.at]! : END_OF_ROWS;
        const endsRow = column === lastColumn;
        const expected = !endsRow ? US : row < rowCount - 1 ? RS : END_OF_ROWS;
        if (separator !== expected) return null;
        writeSeparator(cursor, endsRow);
        cursor.at += 1;
      }
    }
    return cursor.out.subarray(0, cursor.pos);
  }

  /** Rows of values, one value per kind. */
  encodeRows(rows: readonly (readonly CellValue[])[]): Buffer {
    const codes = this.#codes;
    const lastColumn = codes.length - 1;
    const cursor = startCursor(Buffer.alloc(0), rows.length * codes.length * CELL_OVERHEAD);
    for (const row of rows) {
      for (let column = 0; column <= lastColumn; column += 1) {
        const code = codes[column]!;
        const value = row[column] ?? null;
        if (code === TEXT || code === KEY) writeTextValue(cursor, Buffer.from(String(value ?? '')));
        else this.#writeInteger(cursor, column, value === null || value === '' ? null : Number(value));
        ensureRoom(cursor, 2);
        writeSeparator(cursor, column === lastColumn);
      }
    }
    return cursor.out.subarray(0, cursor.pos);
  }

  /** A flag, time or lookup cell. */
  #writeInteger(cursor: Cursor, column: number, value: number | null): void {
    const code = this.#codes[column];
    if (code === FLAG) writeBytes(cursor, value ? YES : NO);
    else if (value === null) return;
    else if (code === TIME) this.#writeTime(cursor, value);
    else writeBytes(cursor, this.#lookUp(column, value));
  }

  /** The cell for an id, encoded the first time it is seen. */
  #lookUp(column: number, id: number): Buffer {
    const { kind, cells } = this.#lookups.get(column)!;
    let cell = cells.get(id);
    if (cell === undefined) {
      const cursor = startCursor(Buffer.alloc(0), 0);
      writeTextValue(cursor, Buffer.from(kind.lookup(id)));
      cells.set(id, (cell = cursor.out.subarray(0, cursor.pos)));
    }
    return cell;
  }

  /** The same text as `new Date(ms).toISOString()`, several times faster: the date part is worked out once a day. */
  #writeTime(cursor: Cursor, ms: number): void {
    const whole = Math.trunc(ms);
    const day = Math.floor(whole / DAY_MS);
    writeBytes(cursor, this.#datePrefix(day));
    ensureRoom(cursor, TIME_OF_DAY.length);
    const { out } = cursor;
    let pos = cursor.pos;
    // Within a day every part fits in 32 bits, so `| 0` truncates as Math.floor would.
    let rest = whole - day * DAY_MS;
    const hours = (rest / 3_600_000) | 0;
    rest -= hours * 3_600_000;
    const minutes = (rest / 60_000) | 0;
    rest -= minutes * 60_000;
    const seconds = (rest / 1000) | 0;
    const milliseconds = rest - seconds * 1000;
    out[pos++] = ZERO + ((hours / 10) | 0);
    out[pos++] = ZERO + (hours % 10);
    out[pos++] = TIME_OF_DAY[2]!;
    out[pos++] = ZERO + ((minutes / 10) | 0);
    out[pos++] = ZERO + (minutes % 10);
    out[pos++] = TIME_OF_DAY[5]!;
    out[pos++] = ZERO + ((seconds / 10) | 0);
    out[pos++] = ZERO + (seconds % 10);
    out[pos++] = TIME_OF_DAY[8]!;
    out[pos++] = ZERO + ((milliseconds / 100) | 0);
    out[pos++] = ZERO + (((milliseconds / 10) | 0) % 10);
    out[pos++] = ZERO + (milliseconds % 10);
    out[pos++] = TIME_OF_DAY[12]!;
    cursor.pos = pos;
  }

  /** `2026-11-28T`: the date of a UTC day (toISOString throws, as before, for a time out of range). */
  #datePrefix(day: number): Buffer {
    let prefix = this.#datePrefixes.get(day);
    if (prefix === undefined) {
      prefix = Buffer.from(new Date(day * DAY_MS).toISOString().slice(0, -TIME_OF_DAY.length), 'latin1');
      this.#datePrefixes.set(day, prefix);
    }
    return prefix;
  }
}

function startCursor(source: Buffer, capacity: number): Cursor {
  return { source, at: 0, out: Buffer.allocUnsafe(Math.max(capacity, 1024)), pos: 0 };
}

function ensureRoom(cursor: Cursor, bytes: number): void {
  if (cursor.pos + bytes <= cursor.out.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(2 * cursor.out.length, cursor.pos + bytes));
  cursor.out.copy(bigger, 0, 0, cursor.pos);
  cursor.out = bigger;
}

function writeBytes(cursor: Cursor, bytes: Uint8Array): void {
  ensureRoom(cursor, bytes.length);
  const { out } = cursor;
  let pos = cursor.pos;
  if (bytes.length > 32) {
    out.set(bytes, pos);
    pos += bytes.length;
  } else {
    // A few bytes are copied faster by hand than through a native call.
    for (let i = 0; i < bytes.length; i += 1) out[pos++] = bytes[i]!;
  }
  cursor.pos = pos;
}

/** A comma after a cell, CRLF after a row; the caller has made room. */
function writeSeparator(cursor: Cursor, endsRow: boolean): void {
  if (endsRow) {
    cursor.out[cursor.pos++] = CR;
    cursor.out[cursor.pos++] = LF;
  } else {
    cursor.out[cursor.pos++] = COMMA;
  }
}

function writeTextValue(cursor: Cursor, text: Buffer): void {
  ensureRoom(cursor, 2 * text.length + CELL_OVERHEAD);
  const { source, at } = cursor;
  cursor.source = text;
  cursor.at = 0;
  writeText(cursor, IN_ONE_VALUE);
  cursor.source = source;
  cursor.at = at;
}

/**
 * Writes the text from the cursor up to the first byte that ends a cell in `classes` (or the end
 * of the source), in one pass: only the rare text that needs quotes is written a second time.
 * The caller has made room for twice the text and CELL_OVERHEAD.
 */
function writeText(cursor: Cursor, classes: Uint8Array): void {
  const { source, out } = cursor;
  const start = cursor.at;
  let pos = cursor.pos;
  if (start < source.length && FORMULA_START[source[start]!] === 1) out[pos++] = APOSTROPHE;
  let end = start;
  for (; end < source.length; end += 1) {
    const value = source[end]!;
    const byteClass = classes[value];
    if (byteClass === ENDS_CELL) break;
    if (byteClass === NEEDS_QUOTES) return writeQuotedText(cursor, classes);
    out[pos++] = value;
  }
  cursor.at = end;
  cursor.pos = pos;
}

function writeQuotedText(cursor: Cursor, classes: Uint8Array): void {
  const { source, out } = cursor;
  const start = cursor.at;
  let pos = cursor.pos;
  out[pos++] = QUOTE;
  if (FORMULA_START[source[start]!] === 1) out[pos++] = APOSTROPHE;
  let end = start;
  for (; end < source.length && classes[source[end]!] !== ENDS_CELL; end += 1) {
    const value = source[end]!;
    out[pos++] = value;
    if (value === QUOTE) out[pos++] = QUOTE;
  }
  out[pos++] = QUOTE;
  cursor.at = end;
  cursor.pos = pos;
}

/** The integer at the cursor (digits, perhaps after a minus), moving past it; null when there are no digits. */
function readDigits(cursor: Cursor): number | null {
  const { source } = cursor;
  const negative = source[cursor.at] === MINUS;
  let at = negative ? cursor.at + 1 : cursor.at;
  const start = at;
  let value = 0;
  for (; at < source.length; at += 1) {
    const digit = source[at]! - ZERO;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  if (at === start) return null; // a minus alone stays, to be caught as out of place
  cursor.at = at;
  return negative ? -value : value;
}

/** The header row, after a byte-order mark when asked for, so spreadsheet programs read the file as UTF-8. */
export function csvHeader(names: readonly string[], bom: boolean): Buffer {
  const row = new CsvEncoder(names.map(() => 'text')).encodeRows([names]);
  return bom ? Buffer.concat([Buffer.from('\uFEFF'), row]) : row;
}

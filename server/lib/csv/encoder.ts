import { FORMULA_START_CHARACTERS } from './formula.js';

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
/** Where the last packed row ends: not a byte. */
const END_OF_PACK = -1;
const QUOTE = byte('"');
const APOSTROPHE = byte("'");
const MINUS = byte('-');
const ZERO = byte('0');
const YES = Buffer.from('yes');
const NO = Buffer.from('no');
const COMMA = byte(',');
const CR = byte('\r');
const LF = byte('\n');
const COLON = byte(':');
const DOT = byte('.');
const ZULU = byte('Z');

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
const LAST_SPECIAL_BYTE = Math.max(...[UNIT_SEPARATOR, RECORD_SEPARATOR, '"', ',', '\r', '\n'].map(byte));

// A formula-start character is one ASCII byte or a full-width form, U+FF00–U+FF3F in UTF-8: EF BC xx.
const FORMULA_START = new Uint8Array(256);
const FULL_WIDTH_FORMULA_START = new Uint8Array(256);
for (const char of FORMULA_START_CHARACTERS) {
  const bytes = Buffer.from(char);
  if (bytes.length === 1) FORMULA_START[bytes[0]!] = 1;
  else FULL_WIDTH_FORMULA_START[bytes[2]!] = 1;
}
const startsFormula = (source: Buffer, at: number): boolean =>
  FORMULA_START[source[at]!] === 1 || (source[at] === 0xef && source[at + 1] === 0xbc && FULL_WIDTH_FORMULA_START[source[at + 2]!] === 1);

// Kinds as small numbers: comparing those in the loop over every cell is far cheaper than comparing a string with an object.
const TEXT = 0;
const KEY = 1;
const FLAG = 2;
const TIME = 3;
const LOOKUP = 4;
const kindCode = (kind: CellKind): number => (kind === 'text' ? TEXT : kind === 'key' ? KEY : kind === 'flag' ? FLAG : kind === 'time' ? TIME : LOOKUP);

const DAY_MS = 86_400_000;
/** `HH:MM:SS.mmmZ`, the part of an ISO time after the date. */
const TIME_OF_DAY_LENGTH = 13;
/** Room for any flag, time, key or separator, and for the quotes and apostrophe around a text. */
const CELL_OVERHEAD = 32;

export interface EncodedRows {
  csv: Buffer;
  rows: number;
}

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
  /** By column: a lookup's cell for each id, a time's date prefix for each day. */
  readonly #memos: readonly (Memo<Buffer> | undefined)[];
  #scratch: Buffer = Buffer.alloc(0);

  constructor(kinds: readonly CellKind[]) {
    this.#codes = kinds.map(kindCode);
    this.#memos = kinds.map((kind) => (typeof kind === 'object' ? new Memo((id) => textCell(kind.lookup(id))) : kind === 'time' ? new Memo(datePrefix) : undefined));
  }

  /**
   * Rows that SQLite packed into one blob: each row's cells joined by UNIT_SEPARATOR, the rows
   * joined by RECORD_SEPARATOR. Null when the cells do not line up with the kinds (a value that
   * holds a separator itself) or the keys do not rise: the caller then reads those rows as values.
   */
  encodePacked(packed: Buffer, rowCount: number): EncodedRows | null {
    const codes = this.#codes;
    const lastColumn = codes.length - 1;
    const cursor = this.#startCursor(packed, 2 * packed.length + rowCount * codes.length * CELL_OVERHEAD);
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
        const endsRow = column === lastColumn;
        // Reading past the end would cost every later read its speed, so the end is a byte of its own here.
        const separator = cursor.at < packed.length ? packed[cursor.at]! : END_OF_PACK;
        const expected = !endsRow ? US : row < rowCount - 1 ? RS : END_OF_PACK;
        if (separator !== expected) return null;
        writeSeparator(cursor, endsRow);
        cursor.at += 1;
      }
    }
    return { csv: this.#finish(cursor), rows: rowCount };
  }

  /** Rows of values, one value per kind. */
  encodeRows(rows: readonly (readonly CellValue[])[]): EncodedRows {
    const codes = this.#codes;
    const lastColumn = codes.length - 1;
    const cursor = this.#startCursor(Buffer.alloc(0), rows.length * codes.length * CELL_OVERHEAD);
    for (const row of rows) {
      for (let column = 0; column <= lastColumn; column += 1) {
        const code = codes[column]!;
        const value = row[column] ?? null;
        if (code === TEXT || code === KEY) writeTextValue(cursor, Buffer.from(String(value ?? '')));
        else {
          ensureRoom(cursor, CELL_OVERHEAD);
          this.#writeInteger(cursor, column, value === null || value === '' ? null : Number(value));
        }
        ensureRoom(cursor, 2);
        writeSeparator(cursor, column === lastColumn);
      }
    }
    return { csv: this.#finish(cursor), rows: rows.length };
  }

  /** Writes into one scratch buffer, sized for the worst case and kept from chunk to chunk. */
  #startCursor(source: Buffer, capacity: number): Cursor {
    if (this.#scratch.length < capacity) this.#scratch = Buffer.allocUnsafe(capacity);
    return { source, at: 0, out: this.#scratch, pos: 0 };
  }

  /**
   * A copy of what was written, of its own size: handing out scratch space instead would allocate
   * (and leave the collector to free) several times the bytes written, as each chunk waits its turn to be sent.
   */
  #finish(cursor: Cursor): Buffer {
    this.#scratch = cursor.out;
    return Buffer.from(cursor.out.subarray(0, cursor.pos));
  }

  /** A flag, time or lookup cell; the caller has made room for CELL_OVERHEAD bytes. */
  #writeInteger(cursor: Cursor, column: number, value: number | null): void {
    const code = this.#codes[column];
    if (code === FLAG) writeFlag(cursor, Boolean(value));
    else if (value === null) return;
    else if (code === TIME) writeTime(cursor, value, this.#memos[column]!);
    else writeBytes(cursor, this.#memos[column]!.get(value));
  }
}

/** Values worked out once per key, the last key checked first: neighbouring rows mostly share a day, a version or an organisation. */
class Memo<T> {
  readonly #compute: (key: number) => T;
  readonly #values = new Map<number, T>();
  #lastKey = NaN;
  #lastValue: T | undefined;

  constructor(compute: (key: number) => T) {
    this.#compute = compute;
  }

  get(key: number): T {
    if (key !== this.#lastKey) {
      let value = this.#values.get(key);
      if (value === undefined) this.#values.set(key, (value = this.#compute(key)));
      this.#lastKey = key;
      this.#lastValue = value;
    }
    return this.#lastValue!;
  }
}

function textCell(text: string): Buffer {
  const value = Buffer.from(text);
  const cursor = { source: value, at: 0, out: Buffer.allocUnsafe(2 * value.length + CELL_OVERHEAD), pos: 0 };
  writeText(cursor, IN_ONE_VALUE);
  return Buffer.from(cursor.out.subarray(0, cursor.pos));
}

/** The same text as `new Date(ms).toISOString()`, several times faster: the date part is worked out once a day. */
function writeTime(cursor: Cursor, ms: number, datePrefixes: Memo<Buffer>): void {
  const whole = Math.trunc(ms);
  const day = Math.floor(whole / DAY_MS);
  const { out } = cursor;
  let pos = copyBytes(out, cursor.pos, datePrefixes.get(day));
  // Within a day every part fits in 32 bits: `| 0` keeps the sums in integers (a `%` on a
  // floating-point number is a slow library call) and truncates as Math.floor would.
  let rest = (whole - day * DAY_MS) | 0;
  const hours = (rest / 3_600_000) | 0;
  rest -= hours * 3_600_000;
  const minutes = (rest / 60_000) | 0;
  rest -= minutes * 60_000;
  const seconds = (rest / 1000) | 0;
  const milliseconds = rest - seconds * 1000;
  const hundreds = (milliseconds / 100) | 0;
  pos = writeTwoDigits(out, pos, hours);
  out[pos++] = COLON;
  pos = writeTwoDigits(out, pos, minutes);
  out[pos++] = COLON;
  pos = writeTwoDigits(out, pos, seconds);
  out[pos++] = DOT;
  out[pos++] = ZERO + hundreds;
  pos = writeTwoDigits(out, pos, milliseconds - hundreds * 100);
  out[pos++] = ZULU;
  cursor.pos = pos;
}

function writeTwoDigits(out: Buffer, pos: number, value: number): number {
  const tens = (value / 10) | 0;
  out[pos] = ZERO + tens;
  out[pos + 1] = ZERO + (value - tens * 10);
  return pos + 2;
}

/** `2026-11-28T`: the date of a UTC day (toISOString throws, as before, for a time out of range). */
function datePrefix(day: number): Buffer {
  return Buffer.from(new Date(day * DAY_MS).toISOString().slice(0, -TIME_OF_DAY_LENGTH), 'latin1');
}

function ensureRoom(cursor: Cursor, bytes: number): void {
  if (cursor.pos + bytes <= cursor.out.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(2 * cursor.out.length, cursor.pos + bytes));
  cursor.out.copy(bigger, 0, 0, cursor.pos);
  cursor.out = bigger;
}

function writeBytes(cursor: Cursor, bytes: Uint8Array): void {
  ensureRoom(cursor, bytes.length);
  cursor.pos = copyBytes(cursor.out, cursor.pos, bytes);
}

function copyBytes(out: Buffer, pos: number, bytes: Uint8Array): number {
  if (bytes.length > 16) {
    out.set(bytes, pos);
    return pos + bytes.length;
  }
  // A few bytes are copied faster by hand than through a native call.
  let end = pos;
  for (let i = 0; i < bytes.length; i += 1) out[end++] = bytes[i]!;
  return end;
}

function writeFlag(cursor: Cursor, on: boolean): void {
  cursor.pos = copyBytes(cursor.out, cursor.pos, on ? YES : NO);
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
  if (start < source.length && startsFormula(source, start)) out[pos++] = APOSTROPHE;
  let end = start;
  for (; end < source.length; end += 1) {
    const value = source[end]!;
    // Letters, digits and most punctuation come after every byte that matters here: one comparison passes them.
    if (value > LAST_SPECIAL_BYTE) {
      out[pos++] = value;
      continue;
    }
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
  if (startsFormula(source, start)) out[pos++] = APOSTROPHE;
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
  const negative = cursor.at < source.length && source[cursor.at] === MINUS;
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
  const row = new CsvEncoder(names.map(() => 'text')).encodeRows([names]).csv;
  return bom ? Buffer.concat([Buffer.from('\uFEFF'), row]) : row;
}

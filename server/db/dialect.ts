import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { engineOf, type Reader } from './database.js';

/**
 * The few places where the engines' SQL cannot be written the same way, each a small named
 * helper that the query passes its database (or transaction) to. Use cases never ask which
 * engine they run on.
 */

/**
 * A table read through a named index. SQLite, without statistics, may pick a worse index than the
 * one a query was written for; PostgreSQL plans from its statistics and has no such clause.
 */
export function indexedBy(db: Reader, table: SQLiteTable, index: string): SQL | SQLiteTable {
  return engineOf(db) === 'sqlite' ? sql`${table} INDEXED BY ${sql.identifier(index)}` : table;
}

/**
 * Rows a worker claims are locked, and rows another worker holds locked are passed over: on
 * PostgreSQL several processes claim at once without waiting for or claiming each other's rows.
 * SQLite has one writer at a time and no row locks: nothing to add.
 */
export function skipLocked(db: Reader): SQL {
  return engineOf(db) === 'sqlite' ? sql`` : sql` FOR UPDATE SKIP LOCKED`;
}

/*
 * JSON kept as text (the audit log's details): SQLite's JSON1 functions, PostgreSQL's jsonb. A
 * field is a top-level key of the object.
 */

/** The field's value as text (SQL NULL when absent). */
export function jsonText(db: Reader, column: SQLWrapper, field: string): SQL {
  return engineOf(db) === 'sqlite' ? sql`json_extract(${column}, ${`$.${field}`})` : sql`(CAST(${column} AS jsonb) ->> ${field})`;
}

/** The JSON text with the field set to a string. */
export function jsonWithText(db: Reader, column: SQLWrapper, field: string, value: string): SQL {
  return engineOf(db) === 'sqlite'
    ? sql`json_set(${column}, ${`$.${field}`}, ${value})`
    : sql`CAST(jsonb_set(CAST(${column} AS jsonb), ${`{${field}}`}, to_jsonb(CAST(${value} AS text))) AS text)`;
}

/** A subquery of the elements of the array in the field (none when absent), as a column `value` of the given type. */
export function jsonArrayValues(db: Reader, column: SQLWrapper, field: string, type: 'integer' | 'text'): SQL {
  return engineOf(db) === 'sqlite'
    ? sql`select value from json_each(${column}, ${`$.${field}`})`
    : sql`select CAST(value AS ${sql.raw(type)}) AS value from jsonb_array_elements_text(CAST(${column} AS jsonb) -> ${field})`;
}

/**
 * A boolean column that is true, spelled as SQLite's partial indexes spell it (`= 1`: the planner
 * uses a partial index only for a condition that matches its own, and reads `= TRUE` as another);
 * PostgreSQL compares a boolean with no integer.
 */
export function isSet(db: Reader, column: SQLWrapper): SQL {
  return engineOf(db) === 'sqlite' ? sql`${column} = 1` : sql`${column} = TRUE`;
}

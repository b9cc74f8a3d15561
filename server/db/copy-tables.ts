import { getTableColumns, is } from 'drizzle-orm';
import { getTableConfig, SQLiteTable, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import * as schema from './schema.js';

/** A refusal of `db copy`, worded for the operator (the command prints it as one line). */
export class CopyError extends Error {
  override name = 'CopyError';
}

/** One table as the copy moves it: the columns that hold values (generated ones are computed again by PostgreSQL). */
export interface CopyTable {
  name: string;
  table: SQLiteTable;
  columns: AnySQLiteColumn[];
  /** The primary key's columns, to name a row the copy cannot carry over. */
  key: string[];
}

/**
 * Every table the application declares (server/db/schema.ts), parents before children, so each
 * row's foreign keys find their rows already copied. Taken from the declarations, never from a
 * list of names: a table added to the schema is copied without anyone remembering to.
 */
export function tablesInDependencyOrder(): CopyTable[] {
  const tables = Object.values(schema as Record<string, unknown>)
    .filter((value): value is SQLiteTable => is(value, SQLiteTable))
    .sort((a, b) => getTableConfig(a).name.localeCompare(getTableConfig(b).name));
  const ordered: SQLiteTable[] = [];
  const visiting = new Set<SQLiteTable>();
  const visit = (table: SQLiteTable): void => {
    if (ordered.includes(table)) return;
    if (visiting.has(table)) throw new Error(`db copy: the foreign keys of ${getTableConfig(table).name} form a cycle; the copy cannot order its tables`);
    visiting.add(table);
    for (const key of getTableConfig(table).foreignKeys) {
      const parent = key.reference().foreignTable as SQLiteTable;
      if (parent !== table) visit(parent);
    }
    visiting.delete(table);
    ordered.push(table);
  };
  tables.forEach(visit);
  return ordered.map(describeTable);
}

function describeTable(table: SQLiteTable): CopyTable {
  const config = getTableConfig(table);
  const columns = Object.values(getTableColumns(table)) as AnySQLiteColumn[];
  const composite = config.primaryKeys[0]?.columns.map((column) => column.name);
  return {
    name: config.name,
    table,
    columns: columns.filter((column) => column.generated === undefined),
    key: composite ?? columns.filter((column) => column.primary).map((column) => column.name),
  };
}

/** A name in double quotes, for SQL both engines read. */
export const quoted = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** How an operator finds a row: `table signatures, row id=42`. */
export const rowName = (table: CopyTable, row: readonly unknown[]): string =>
  `table ${table.name}, row ${table.key.map((name) => `${name}=${String(row[table.columns.findIndex((column) => column.name === name)])}`).join(', ')}`;

/**
 * A row as SQLite stores it (values in the order of `table.columns`) in the form PostgreSQL's
 * columns take (postgres-schema.ts maps the types): 0/1 become booleans, times stay milliseconds,
 * text and JSON stay text. A value PostgreSQL would refuse or change stops the copy, naming the row.
 */
export function toPostgresRow(table: CopyTable, row: unknown[]): unknown[] {
  return row.map((value, index) => {
    const column = table.columns[index]!;
    const refuse = (what: string): never => {
      throw new CopyError(`${rowName(table, row)}: column ${column.name} ${what}; nothing was copied. Correct the row in the SQLite database and run the copy again`);
    };
    if (value === null) return null;
    if (value instanceof Uint8Array) return refuse('holds binary data, which the application never stores');
    switch (column.columnType) {
      case 'SQLiteBoolean':
        return value === 1 ? true : value === 0 ? false : refuse(`holds ${JSON.stringify(value)}, not a boolean (0 or 1)`);
      case 'SQLiteTimestamp':
        // SQLite's default for a creation time (unixepoch('subsec') * 1000) can leave a fraction of
        // a millisecond; the application reads times as whole milliseconds (a Date drops the
        // fraction the same way), so the value it sees is kept.
        return typeof value === 'number' ? Math.trunc(value) : refuse(`holds ${JSON.stringify(value)}, not a time in milliseconds`);
      case 'SQLiteInteger':
        return typeof value === 'number' && Number.isInteger(value) ? value : refuse(`holds ${JSON.stringify(value)}, not an integer`);
      case 'SQLiteText':
      case 'SQLiteTextJson':
        if (typeof value === 'string' && value.includes('\u0000')) refuse('contains a NUL character (\\0), which PostgreSQL cannot store in text');
        return typeof value === 'string' ? value : String(value);
      default:
        return refuse(`has the type ${column.columnType}, which the copy does not know`);
    }
  });
}

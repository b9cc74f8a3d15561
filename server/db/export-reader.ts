import QueryStream from 'pg-query-stream';
import type { Database } from './database.js';
import type { PostgresDatabase } from './postgres-database.js';
import { openReadConnection } from './read-connection.js';
import type { SqliteDatabase } from './sqlite-database.js';

/**
 * Reads a long export (every signature of a letter) on a snapshot of its own, a chunk at a time,
 * only as fast as the output takes it. Each engine its own way: SQLite packs a chunk of rows into
 * one value on a read-only connection of its own (handing over one value per chunk instead of a
 * value per cell); PostgreSQL streams the rows through a server-side cursor (pg-query-stream) in
 * a read-only REPEATABLE READ transaction. Both feed the same encoder, so the same rules apply.
 */

/** A value as the drivers hand it over: what the encoder reads. */
export type ExportValue = string | number | bigint | Buffer | null;

/** A chunk of rows: packed into one value (rows joined with the separators), or one value per cell. */
export type ExportChunk = { packed: Buffer; rowCount: number; plain(): ExportValue[][] } | { rows: ExportValue[][] };

export interface ExportRowsQuery {
  /** The cells of a row, in order: SQL over `s` (signatures) written for both engines, never null. */
  cells: readonly string[];
  /** Conditions over `s` with `?` for each parameter. */
  where: string;
  params: readonly unknown[];
  rowsPerChunk: number;
  /** The characters that join cells and rows in a packed chunk; without them, rows come a value per cell. */
  separators?: { unit: string; record: string };
}

export interface ExportReader {
  /** A small table as id → text (`SELECT id, text …`, `?` parameters), read on the export's snapshot. */
  lookup(sql: string, params: readonly unknown[]): Promise<Map<number, string>>;
  /** The signature rows in rising id order, a chunk at a time. */
  chunks(query: ExportRowsQuery): AsyncGenerator<ExportChunk>;
  /** A boolean column of `s` that is true, spelled for this engine (as dialect.ts's isSet, for `where`). */
  isSet(column: string): string;
  close(): Promise<void>;
}

export function openExportReader(database: Database): Promise<ExportReader> {
  return database.engine === 'sqlite' ? Promise.resolve(sqliteExportReader(database as SqliteDatabase)) : postgresExportReader(database as PostgresDatabase);
}

function sqliteExportReader(database: SqliteDatabase): ExportReader {
  const reader = openReadConnection(database);
  const { sqlite } = reader;
  // The transaction ends when the connection is closed. An in-memory database is read on the
  // shared connection (see openReadConnection): a transaction there would take in other writes,
  // so it is read without one.
  if (!sqlite.memory) sqlite.exec('BEGIN');
  return {
    lookup: async (sql, params) => new Map(sqlite.prepare(sql).raw().all(...params) as Array<[number, string]>),
    async *chunks(query) {
      const where = query.where;
      const cells = query.cells.join(', ');
      const { separators } = query;
      // An id range rather than LIMIT: rows are packed straight from the index instead of going
      // through a LIMIT subquery first, which costs SQLite noticeably more. group_concat keeps the
      // index order here; that is not promised, so the encoder checks that the ids rise (an ORDER
      // BY inside group_concat would sort every chunk again).
      const chunkEnd = sqlite.prepare(`SELECT s.id FROM signatures s WHERE ${where} AND s.id > ? ORDER BY s.id LIMIT 1 OFFSET ${query.rowsPerChunk - 1}`).pluck();
      const packed = separators
        ? sqlite
            .prepare(
              `SELECT count(*), CAST(group_concat(concat_ws(char(${separators.unit.charCodeAt(0)}), ${cells}), char(${separators.record.charCodeAt(0)})) AS BLOB)
               FROM signatures s WHERE ${where} AND s.id > ? AND s.id <= ?`,
            )
            .raw()
        : undefined;
      const plain = sqlite.prepare(`SELECT ${cells} FROM signatures s WHERE ${where} AND s.id > ? AND s.id <= ? ORDER BY s.id`).raw();
      let afterId = Number.MIN_SAFE_INTEGER;
      for (;;) {
        const chunkEndId = chunkEnd.get(...query.params, afterId) as number | undefined;
        const chunkParams = [...query.params, afterId, chunkEndId ?? Number.MAX_SAFE_INTEGER];
        if (packed) {
          const [rowCount, rows] = packed.get(...chunkParams) as [number, Buffer | null];
          if (rows !== null) yield { packed: rows, rowCount, plain: () => plain.all(...chunkParams) as ExportValue[][] };
        } else {
          const rows = plain.all(...chunkParams) as ExportValue[][];
          if (rows.length > 0) yield { rows };
        }
        if (chunkEndId === undefined) return; // that chunk took whatever was left
        afterId = chunkEndId;
      }
    },
    isSet: (column) => `${column} = 1`,
    close: async () => reader.close(),
  };
}

/** `?` placeholders as PostgreSQL's numbered ones. */
const numbered = (sql: string): string => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${(n += 1)}`);
};

async function postgresExportReader(database: PostgresDatabase): Promise<ExportReader> {
  const client = await database.pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  } catch (error) {
    client.release();
    throw error;
  }
  let released = false;
  return {
    async lookup(sql, params) {
      const result = await client.query<[number, string]>({ text: numbered(sql), values: [...params], rowMode: 'array' });
      return new Map(result.rows);
    },
    async *chunks(query) {
      const stream = client.query(
        new QueryStream(numbered(`SELECT ${query.cells.join(', ')} FROM signatures s WHERE ${query.where} ORDER BY s.id`), [...query.params], {
          rowMode: 'array',
          batchSize: query.rowsPerChunk,
        }),
      );
      try {
        let rows: ExportValue[][] = [];
        for await (const row of stream as AsyncIterable<ExportValue[]>) {
          rows.push(row);
          if (rows.length === query.rowsPerChunk) {
            yield { rows };
            rows = [];
          }
        }
        if (rows.length > 0) yield { rows };
      } finally {
        stream.destroy();
      }
    },
    isSet: (column) => column,
    async close() {
      if (released) return;
      released = true;
      try {
        await client.query('COMMIT');
        client.release();
      } catch (error) {
        // A connection left mid-stream is not put back in the pool.
        client.release(error instanceof Error ? error : true);
      }
    },
  };
}

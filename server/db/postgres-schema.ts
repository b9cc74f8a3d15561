/**
 * The PostgreSQL form of the tables, derived from their one declaration in SQLite terms
 * (server/db/schema.ts), for drizzle-kit to generate PostgreSQL migrations from
 * (`npm run db:generate`). The application never queries these objects: its queries run on
 * either engine with the SQLite declarations (see database.ts).
 *
 * Column types map so that values travel unchanged between the engines: integers stay integer;
 * times (milliseconds since 1970) become bigint; booleans become boolean (SQLite's 1/0 arrive as
 * '1'/'0', which PostgreSQL reads as true/false); text, enums and JSON stay text.
 */
import { getTableColumns, is, SQL, sql, type AnyColumn } from 'drizzle-orm';
import {
  bigint,
  boolean,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  type PgColumnBuilderBase,
  type PgTableWithColumns,
} from 'drizzle-orm/pg-core';
import { getTableConfig, SQLiteSyncDialect, SQLiteTable, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import * as sqliteSchema from './schema.js';

/**
 * SQL written in SQLite's dialect inside the declarations (defaults, generated columns, partial
 * index conditions) and its PostgreSQL equivalent. A fragment missing here stops the generation,
 * so nothing is carried over unchecked.
 */
const IN_POSTGRES: Record<string, string> = {
  "(unixepoch('subsec') * 1000)": '(floor(extract(epoch from clock_timestamp()) * 1000)::bigint)',
  "CASE WHEN organisation_id IS NOT NULL THEN 'o:' || organisation_id WHEN organisation_key <> '' THEN 'k:' || organisation_key END":
    "CASE WHEN organisation_id IS NOT NULL THEN 'o:' || CAST(organisation_id AS text) WHEN organisation_key <> '' THEN 'k:' || organisation_key END",
  "state = 'approved' AND show_public = 1": "state = 'approved' AND show_public",
  "state = 'approved' AND show_public = 1 AND featured = 1": "state = 'approved' AND show_public AND featured",
  'listed = 1': 'listed',
  'listed = 1 AND featured = 1': 'listed AND featured',
  "organisation_id IS NULL AND organisation_key <> ''": "organisation_id IS NULL AND organisation_key <> ''",
};

const sqliteDialect = new SQLiteSyncDialect();

function inPostgres(fragment: SQL): SQL {
  const text = sqliteDialect.sqlToQuery(fragment).sql;
  const translated = IN_POSTGRES[text];
  if (translated === undefined) throw new Error(`postgres-schema: no PostgreSQL form for the SQLite fragment ${JSON.stringify(text)}; add it to IN_POSTGRES`);
  return sql.raw(translated);
}

function columnType(column: AnySQLiteColumn): PgColumnBuilderBase {
  const name = column.name;
  switch (column.columnType) {
    case 'SQLiteInteger':
      return integer(name);
    case 'SQLiteTimestamp':
      return bigint(name, { mode: 'number' });
    case 'SQLiteBoolean':
      return boolean(name);
    case 'SQLiteText':
    case 'SQLiteTextJson':
      return text(name);
    default:
      throw new Error(`postgres-schema: no PostgreSQL type for ${column.columnType} (${name})`);
  }
}

type Builder = ReturnType<typeof integer> & ReturnType<typeof bigint> & ReturnType<typeof boolean> & ReturnType<typeof text>;

function columnFor(column: AnySQLiteColumn, primaryKeyCount: number): PgColumnBuilderBase {
  let builder = columnType(column) as Builder;
  const autoIncrement = (column as { autoIncrement?: boolean }).autoIncrement === true;
  if (column.primary && primaryKeyCount === 1) {
    builder = builder.primaryKey() as Builder;
    if (autoIncrement) builder = builder.generatedByDefaultAsIdentity() as unknown as Builder;
  }
  if (column.notNull && !column.primary) builder = builder.notNull() as Builder;
  if (column.hasDefault && column.default !== undefined) {
    const fallback = column.default;
    builder = builder.default(is(fallback, SQL) ? inPostgres(fallback) : column.columnType === 'SQLiteTimestamp' && fallback instanceof Date ? fallback.getTime() : fallback) as Builder;
  }
  if (column.generated) {
    const expression = column.generated.as;
    builder = builder.generatedAlwaysAs(is(expression, SQL) ? inPostgres(expression) : sql.raw(String(expression))) as unknown as Builder;
  }
  if (column.isUnique) builder = builder.unique(column.uniqueName) as Builder;
  return builder;
}

const pgTables = new Map<SQLiteTable, PgTableWithColumns<never>>();

function toPostgres(table: SQLiteTable): PgTableWithColumns<never> {
  const known = pgTables.get(table);
  if (known) return known;
  const config = getTableConfig(table);
  const primaryKeyCount = Object.values(getTableColumns(table)).filter((column) => column.primary).length;
  const columns = Object.fromEntries(Object.entries(getTableColumns(table)).map(([key, column]) => [key, columnFor(column as AnySQLiteColumn, primaryKeyCount)]));
  const keyOf = (column: AnyColumn): string => {
    const entry = Object.entries(getTableColumns(table)).find(([, candidate]) => candidate === column);
    if (!entry) throw new Error(`postgres-schema: column ${column.name} is not in ${config.name}`);
    return entry[0];
  };
  const pgTable_ = pgTable(config.name, columns, (t) => {
    const own = t as unknown as Record<string, never>;
    const pick = (column: AnyColumn) => own[keyOf(column)] as never;
    return [
      ...config.primaryKeys.map((key) => primaryKey({ columns: key.columns.map(pick) as [never, ...never[]] })),
      ...config.indexes.map((idx) => {
        const { name, columns: on, unique, where } = idx.config;
        const built = (unique ? uniqueIndex(name) : index(name)).on(...(on.map((column) => pick(column as AnyColumn)) as [never, ...never[]]));
        return where ? built.where(inPostgres(where)) : built;
      }),
      ...config.foreignKeys.map((key) => {
        const reference = key.reference();
        const target = toPostgres(reference.foreignTable as SQLiteTable) as unknown as Record<string, never>;
        const targetKey = (column: AnyColumn) => Object.entries(getTableColumns(reference.foreignTable)).find(([, candidate]) => candidate === column)![0];
        let built = foreignKey({ columns: reference.columns.map(pick) as [never, ...never[]], foreignColumns: reference.foreignColumns.map((column) => target[targetKey(column)]) as [never, ...never[]] });
        if (key.onDelete) built = built.onDelete(key.onDelete);
        if (key.onUpdate) built = built.onUpdate(key.onUpdate);
        return built;
      }),
    ];
  }) as unknown as PgTableWithColumns<never>;
  pgTables.set(table, pgTable_);
  return pgTable_;
}

/** Every table of the schema in its PostgreSQL form, under the same export names. */
export const postgresTables: Record<string, PgTableWithColumns<never>> = Object.fromEntries(
  Object.entries(sqliteSchema as Record<string, unknown>)
    .filter((entry): entry is [string, SQLiteTable] => is(entry[1], SQLiteTable))
    .map(([name, table]) => [name, toPostgres(table)]),
);

// drizzle-kit finds tables among a schema file's named exports (test/db/postgres-schema.test.ts
// checks that every table is named here).
export const {
  auditEvents,
  blockRuleSignatures,
  blockRules,
  endorsementTokens,
  endorsements,
  jobRuns,
  letterDeliveries,
  letterOrganisationCounts,
  letterPartners,
  letterUpdates,
  letterSignerGroups,
  letterSigningHours,
  letterVersions,
  letters,
  organisationAliases,
  organisationDomains,
  organisations,
  organisers,
  outbox,
  rateCounters,
  sessions,
  signatureEdits,
  signatureTokens,
  signatures,
  updateDeliveries,
} = postgresTables;

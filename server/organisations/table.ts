import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const organisations = sqliteTable('organisations', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  /** The name folded for matching: lower-case, punctuation and legal suffixes removed. */
  nameKey: text('name_key').notNull().unique(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull().default(sql`(unixepoch('subsec') * 1000)`),
});

export const organisationAliases = sqliteTable('organisation_aliases', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  organisationId: integer('organisation_id').notNull().references(() => organisations.id, { onDelete: 'cascade' }),
  alias: text('alias').notNull(),
  aliasKey: text('alias_key').notNull().unique(),
}, (t) => [index('organisation_aliases_org_idx').on(t.organisationId)]);

export const organisationDomains = sqliteTable('organisation_domains', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  organisationId: integer('organisation_id').notNull().references(() => organisations.id, { onDelete: 'cascade' }),
  domain: text('domain').notNull().unique(),
}, (t) => [index('organisation_domains_org_idx').on(t.organisationId)]);

export type OrganisationRow = typeof organisations.$inferSelect;

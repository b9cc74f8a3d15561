import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const ORGANISER_ROLES = ['owner', 'moderator', 'viewer'] as const;
export type OrganiserRole = (typeof ORGANISER_ROLES)[number];

export const organisers = sqliteTable('organisers', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  role: text('role', { enum: ORGANISER_ROLES }).notNull(),
  passwordHash: text('password_hash').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull().default(sql`(unixepoch('subsec') * 1000)`),
});

export const sessions = sqliteTable('sessions', {
  /** SHA-256 of the cookie value. */
  idHash: text('id_hash').primaryKey(),
  organiserId: integer('organiser_id').notNull().references(() => organisers.id, { onDelete: 'cascade' }),
  csrfToken: text('csrf_token').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
}, (t) => [index('sessions_organiser_idx').on(t.organiserId)]);

export type OrganiserRow = typeof organisers.$inferSelect;

import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The last run of each scheduled job, whichever process ran it: a process claims a round by
 * moving `started_at` on (only when the last run began far enough back and its lease has ended),
 * so with N processes a round runs once, in one of them. `lease_until` keeps a second process out
 * while a run is under way (on SQLite the only guard; PostgreSQL adds an advisory lock).
 */
export const jobRuns = sqliteTable('job_runs', {
  name: text('name').primaryKey(),
  startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
  leaseUntil: integer('lease_until', { mode: 'timestamp_ms' }).notNull(),
});

import type { TestApp } from './app.js';

/**
 * The whole content of every table but those named, in a comparable form: equal snapshots before
 * and after a request prove it stored nothing. (Sessions are usually left out: every request
 * with a session moves its last-seen time.)
 */
export function snapshotTables(t: Pick<TestApp, 'database'>, except: readonly string[] = ['sessions']): Record<string, unknown[]> {
  const { sqlite } = t.database;
  const tables = sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name")
    .pluck()
    .all() as string[];
  return Object.fromEntries(tables.filter((name) => !except.includes(name)).map((name) => [name, sqlite.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()]));
}

export const integrityCheck = (t: Pick<TestApp, 'database'>): unknown => t.database.sqlite.pragma('integrity_check', { simple: true });

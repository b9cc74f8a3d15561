import type { Db } from './client.js';

/**
 * Builds a drizzle prepared query once per connection and reuses it: on the hot paths (every
 * signing, every page view) building the SQL and preparing the statement cost more than running it.
 * A transaction shares its database's session, so the same prepared query serves inside one.
 */
export function preparedPerConnection<T>(build: (db: Db) => T): (db: Db) => T {
  const bySession = new WeakMap<object, T>();
  return (db) => {
    const session = (db as unknown as { session: object }).session;
    let query = bySession.get(session);
    if (query === undefined) {
      query = build(db);
      bySession.set(session, query);
    }
    return query;
  };
}

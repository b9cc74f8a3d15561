/**
 * The driver's error code behind an error, whichever engine raised it: drizzle wraps a failed
 * query in an error whose `cause` is the driver's (SQLite's `SQLITE_…` codes, PostgreSQL's SQLSTATE).
 */
export function databaseErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 5; current = (current as { cause?: unknown }).cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

const UNIQUE_VIOLATIONS = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY', '23505']);

/** True for a UNIQUE constraint failure: the last guard against a race between a check and an insert. */
export const isUniqueViolation = (error: unknown): boolean => UNIQUE_VIOLATIONS.has(databaseErrorCode(error) ?? '');

/**
 * Runs a first-time write once more when a unique index refused it: a concurrent first write for
 * the same key (an address signing or endorsing twice at once) won the race, so the second attempt
 * finds that row and takes the path of a repeat.
 */
export async function againAfterUniqueViolation<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return attempt();
  }
}

/**
 * True when the database could not serve the work in time (SQLite: another connection or process
 * held the write lock past busy_timeout; PostgreSQL: lock_timeout, no free connection within
 * DATABASE_BUSY_TIMEOUT_MS, or the server out of reach): nothing was written, and the same work
 * can succeed a moment later. Requests answer 503 with Retry-After; the mail worker waits.
 */
export function isDatabaseBusy(error: unknown): boolean {
  const code = databaseErrorCode(error) ?? '';
  return /^SQLITE_(BUSY|LOCKED)(_|$)/.test(code) || POSTGRES_UNAVAILABLE.has(code) || waitedForConnection(error);
}

/**
 * PostgreSQL out of reach for now (shutting down or starting, refusing connections, out of
 * connection slots) or a lock not granted in time: nothing was written. A connection lost in the
 * middle of work is not among them: whether its commit went through is unknown, so it stays a 500.
 */
const POSTGRES_UNAVAILABLE = new Set(['55P03', '57P01', '57P02', '57P03', '53300', '08001', '08004', 'ECONNREFUSED', 'ETIMEDOUT']);

/** node-postgres gave up waiting for a free pooled connection, or for a new one to be accepted, within DATABASE_BUSY_TIMEOUT_MS: never connected, nothing written. */
function waitedForConnection(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    if (/timeout exceeded when trying to connect|Connection terminated due to connection timeout/i.test(current.message)) return true;
  }
  return false;
}


/**
 * True when PostgreSQL refused text it cannot store (a NUL character, a byte sequence its encoding
 * lacks). Requests refuse NUL before any query; this is the last guard, for text from elsewhere.
 */
export const isUnstorableText = (error: unknown): boolean => ['22021', '22P05'].includes(databaseErrorCode(error) ?? '');

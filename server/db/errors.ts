/** True for SQLite's UNIQUE constraint failure: the last guard against a race between a check and an insert. */
export const isUniqueViolation = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE';

/**
 * True when SQLite could not get a lock within busy_timeout (another connection or process held the
 * write lock): nothing was written, and the same work can succeed a moment later.
 */
export function isDatabaseBusy(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)(_|$)/.test(code);
}

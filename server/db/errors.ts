/** True for SQLite's UNIQUE constraint failure: the last guard against a race between a check and an insert. */
export const isUniqueViolation = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE';

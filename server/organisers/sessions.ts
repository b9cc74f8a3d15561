import { eq, lt, or } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { randomToken, sha256Hex } from '../lib/hash.js';
import { organisers, sessions, type OrganiserRow } from './table.js';

export interface SessionPolicy {
  idleMs: number;
  maxMs: number;
}

export const sessionPolicy = (config: Pick<Config, 'sessionIdleMinutes' | 'sessionMaxHours'>): SessionPolicy => ({
  idleMs: config.sessionIdleMinutes * 60_000,
  maxMs: config.sessionMaxHours * 3_600_000,
});

export interface NewSession {
  /** The cookie value: 256 random bits. Only its SHA-256 is stored. */
  token: string;
  csrfToken: string;
}

export interface ActiveSession {
  organiser: OrganiserRow;
  csrfToken: string;
}

/** Only URL-safe base64 of the right size can be a session id; anything else is not looked up. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function startSession(tx: Db, organiserId: number, now: Date): NewSession {
  const session = { token: randomToken(), csrfToken: randomToken() };
  tx.insert(sessions).values({ idHash: sha256Hex(session.token), organiserId, csrfToken: session.csrfToken, createdAt: now, lastSeenAt: now }).run();
  return session;
}

/**
 * The signed-in organiser for a cookie value, or nothing. A session past its idle or absolute
 * limit is deleted on sight; a live one is marked as seen now, which restarts the idle timer.
 */
export function resumeSession(db: Db, token: string, now: Date, policy: SessionPolicy): ActiveSession | undefined {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const idHash = sha256Hex(token);
  const row = db
    .select({ session: sessions, organiser: organisers })
    .from(sessions)
    .innerJoin(organisers, eq(organisers.id, sessions.organiserId))
    .where(eq(sessions.idHash, idHash))
    .get();
  if (!row) return undefined;
  const at = now.getTime();
  if (at - row.session.lastSeenAt.getTime() >= policy.idleMs || at - row.session.createdAt.getTime() >= policy.maxMs) {
    db.delete(sessions).where(eq(sessions.idHash, idHash)).run();
    return undefined;
  }
  db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.idHash, idHash)).run();
  return { organiser: row.organiser, csrfToken: row.session.csrfToken };
}

/** Ends one session; returns the organiser it belonged to, if it existed. */
export function endSession(tx: Db, token: string): number | undefined {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  return tx.delete(sessions).where(eq(sessions.idHash, sha256Hex(token))).returning({ organiserId: sessions.organiserId }).get()?.organiserId;
}

/** Signs an organiser out everywhere, e.g. after a password change. */
export function endOrganiserSessions(tx: Db, organiserId: number): void {
  tx.delete(sessions).where(eq(sessions.organiserId, organiserId)).run();
}

/** Housekeeping at sign-in, so expired rows do not pile up from sessions nobody came back to. */
export function pruneExpiredSessions(tx: Db, now: Date, policy: SessionPolicy): void {
  const at = now.getTime();
  tx.delete(sessions)
    .where(or(lt(sessions.lastSeenAt, new Date(at - policy.idleMs)), lt(sessions.createdAt, new Date(at - policy.maxMs))))
    .run();
}


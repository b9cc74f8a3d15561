import { eq, lt, or, sql } from 'drizzle-orm';
import type { Config } from '../config.js';
import { only, type Database, type Tx } from '../db/database.js';
import { preparedQuery } from '../db/prepared.js';
import { randomToken, sha256Hex } from '../lib/hash.js';
import { organisers, sessions, type OrganiserRow } from './table.js';

export interface SessionPolicy {
  idleMs: number;
  maxMs: number;
  /** How stale the stored last-seen time may get before a request writes it again. */
  touchEveryMs: number;
}

/**
 * At most one last-seen write a minute per session: every organiser request wrote one before,
 * queueing behind signers' writes. The stored time then lags by under that much, so a session ends
 * at most that much before its idle limit, never after; a thirtieth of the idle limit keeps short
 * limits nearly exact.
 */
const TOUCH_EVERY_MS = 60_000;

export const sessionPolicy = (config: Pick<Config, 'sessionIdleMinutes' | 'sessionMaxHours'>): SessionPolicy => {
  const idleMs = config.sessionIdleMinutes * 60_000;
  return { idleMs, maxMs: config.sessionMaxHours * 3_600_000, touchEveryMs: Math.min(TOUCH_EVERY_MS, idleMs / 30) };
};

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

/** Every organiser request looks its session up: prepared once, not built each time. */
const sessionByIdHash = preparedQuery((db) =>
  db.select({ session: sessions, organiser: organisers }).from(sessions).innerJoin(organisers, eq(organisers.id, sessions.organiserId)).where(eq(sessions.idHash, sql.placeholder('idHash'))),
);

export async function startSession(tx: Tx, organiserId: number, now: Date): Promise<NewSession> {
  const session = { token: randomToken(), csrfToken: randomToken() };
  await tx.insert(sessions).values({ idHash: sha256Hex(session.token), organiserId, csrfToken: session.csrfToken, createdAt: now, lastSeenAt: now });
  return session;
}

/**
 * The signed-in organiser for a cookie value, or nothing. A session past its idle or absolute
 * limit is deleted on sight; a live one is marked as seen now, which restarts the idle timer
 * (unless it was marked less than `policy.touchEveryMs` ago).
 */
export async function resumeSession(db: Database, token: string, now: Date, policy: SessionPolicy): Promise<ActiveSession | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const idHash = sha256Hex(token);
  const row = await sessionByIdHash.first(db, { idHash });
  if (!row) return undefined;
  const at = now.getTime();
  const idle = at - row.session.lastSeenAt.getTime();
  if (idle >= policy.idleMs || at - row.session.createdAt.getTime() >= policy.maxMs) {
    await db.write((tx) => tx.delete(sessions).where(eq(sessions.idHash, idHash)));
    return undefined;
  }
  if (idle >= policy.touchEveryMs) await db.write((tx) => tx.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.idHash, idHash)));
  return { organiser: row.organiser, csrfToken: row.session.csrfToken };
}

/** Ends one session; returns the organiser it belonged to, if it existed. */
export async function endSession(tx: Tx, token: string): Promise<number | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  return (await only(tx.delete(sessions).where(eq(sessions.idHash, sha256Hex(token))).returning({ organiserId: sessions.organiserId })))?.organiserId;
}

/** Signs an organiser out everywhere, e.g. after a password change. */
export async function endOrganiserSessions(tx: Tx, organiserId: number): Promise<void> {
  await tx.delete(sessions).where(eq(sessions.organiserId, organiserId));
}

/** Housekeeping at sign-in, so expired rows do not pile up from sessions nobody came back to. */
export async function pruneExpiredSessions(tx: Tx, now: Date, policy: SessionPolicy): Promise<void> {
  const at = now.getTime();
  await tx.delete(sessions).where(or(lt(sessions.lastSeenAt, new Date(at - policy.idleMs)), lt(sessions.createdAt, new Date(at - policy.maxMs))));
}


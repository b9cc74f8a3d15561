import { eq } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Context } from '../context.js';
import { describeClientAddress } from '../lib/client-address.js';
import { actorFrom, type SignedInOrganiser } from './access.js';
import { organiserEmailKey } from './accounts.js';
import type { DeviceCookies } from './device-cookies.js';
import type { HashingQueue } from './hashing-queue.js';
import type { LoginAttempt, LoginThrottle } from './login-throttle.js';
import { dummyHash, hashPassword, MAX_PASSWORD_LENGTH, needsRehash, scryptCostFor, verifyPassword } from './passwords.js';
import { findOrganiserByEmail } from './repo.js';
import { endSession, pruneExpiredSessions, sessionPolicy, startSession } from './sessions.js';
import { organisers, type OrganiserRow } from './table.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { clientRateKey } from '../abuse/index.js';

export interface SignInInput {
  email: string;
  password: string;
  clientIp: string | undefined;
  /** The session cookie the browser still had, ended so the new session gets a fresh id. */
  previousSessionToken: string | undefined;
  /** The browser's device cookie, from an earlier sign-in (see device-cookies.ts). */
  deviceCookie: string | undefined;
}

export type SignInResult =
  /** `deviceCookie`: a new device cookie for this browser and account. */
  | { outcome: 'signed-in'; sessionToken: string; deviceCookie: string; organiser: OrganiserRow }
  | { outcome: 'refused' }
  | { outcome: 'throttled'; retryAfterSeconds: number }
  /** Too many sign-ins are being checked at this moment; nothing was checked. */
  | { outcome: 'busy' };

/** What guards sign-in: failed-attempt limits, a bound on concurrent password hashing, and the devices the owners use. */
export interface SignInGuards {
  throttle: LoginThrottle;
  hashing: HashingQueue;
  devices: DeviceCookies;
}

/** Failed sign-ins are not done by anyone we know: the audit names the form, not a person. */
const SIGN_IN_FORM: Actor = { kind: 'system', label: 'sign-in form' };

/**
 * Makes the dummy hash before the first sign-in. Made on demand, it would cost the first unknown
 * email after a start a second scrypt run, and that answer alone would be slower than a wrong password's.
 */
export function prepareSignIn(config: Pick<Config, 'env'>): void {
  void dummyHash(scryptCostFor(config.env));
}

/**
 * An organiser signs in. An unknown email and a wrong password take the same path and the same
 * scrypt work (against a dummy hash), and the caller shows the same answer for both.
 */
export async function signIn(ctx: Context, guards: SignInGuards, input: SignInInput): Promise<SignInResult> {
  const { throttle } = guards;
  const account = organiserEmailKey(input.email) ?? input.email.trim().toLowerCase();
  const at = ctx.now();
  const device = guards.devices.deviceOf(input.deviceCookie, account, at);
  const attempt: LoginAttempt = { account, clientIp: input.clientIp, at, ...(device && (await throttle.trusts(account, device, at)) ? { device } : {}) };
  const retryAfterSeconds = await throttle.begin(attempt);
  if (retryAfterSeconds > 0) return { outcome: 'throttled', retryAfterSeconds };
  const turn = guards.hashing.enter({ source: clientRateKey(input.clientIp, ctx.config.sessionSecret), knownDevice: attempt.device !== undefined });
  if (!turn) {
    await throttle.withdraw(attempt);
    return { outcome: 'busy' };
  }
  const release = await turn;
  try {
    return await checkPassword(ctx, guards, attempt, input);
  } finally {
    release();
  }
}

async function checkPassword(ctx: Context, { throttle, devices }: SignInGuards, attempt: LoginAttempt, input: SignInInput): Promise<SignInResult> {
  const cost = scryptCostFor(ctx.config.env);
  const organiser = await findOrganiserByEmail(ctx.db, attempt.account);
  const passwordFits = input.password.length > 0 && input.password.length <= MAX_PASSWORD_LENGTH;
  const matches = await verifyPassword(passwordFits ? input.password : '', organiser?.passwordHash ?? (await dummyHash(cost)));
  const now = ctx.now();

  if (!organiser || !matches || !passwordFits) {
    const network = describeClientAddress(input.clientIp, ctx.config.sessionSecret)?.ipNetwork;
    await ctx.db.write((tx) =>
      recordAudit(tx, {
        actor: SIGN_IN_FORM,
        action: 'organiser.login_failed',
        ...(organiser ? { subject: `organiser:${organiser.email}` } : {}),
        details: { reason: organiser ? 'wrong_password' : 'unknown_account', ...(network ? { network } : {}) },
      }, now),
    );
    return { outcome: 'refused' };
  }

  await throttle.succeeded(attempt);
  const upgradedHash = needsRehash(organiser.passwordHash, cost) ? await hashPassword(input.password, cost) : undefined;
  const policy = sessionPolicy(ctx.config);
  const session = await ctx.db.write(async (tx) => {
    if (input.previousSessionToken) await endSession(tx, input.previousSessionToken);
    await pruneExpiredSessions(tx, now, policy);
    if (upgradedHash) await tx.update(organisers).set({ passwordHash: upgradedHash }).where(eq(organisers.id, organiser.id));
    await recordAudit(tx, { actor: actorFrom(organiser), action: 'organiser.login', subject: `organiser:${organiser.email}` }, now);
    return startSession(tx, organiser.id, now);
  });
  return { outcome: 'signed-in', sessionToken: session.token, deviceCookie: devices.issue(attempt.account, now), organiser };
}

/** Ends the session behind the cookie; signing out twice is harmless. */
export async function signOut(ctx: Context, sessionToken: string | undefined, organiser: SignedInOrganiser | undefined): Promise<void> {
  if (!sessionToken) return;
  const now = ctx.now();
  await ctx.db.write(async (tx) => {
    const ended = await endSession(tx, sessionToken);
    if (ended !== undefined && organiser) await recordAudit(tx, { actor: actorFrom(organiser), action: 'organiser.logout', subject: `organiser:${organiser.email}` }, now);
  });
}

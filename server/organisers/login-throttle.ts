import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import { changeCounters, clientRateKey, countHits, hitOf, hitsSoFar, rateWindow, takeBackHits, waitMs, type Hit, type RateWindow } from '../abuse/index.js';

export interface LoginAttempt {
  /** The organiser email key as typed (normalised), whether or not such an organiser exists. */
  account: string;
  clientIp: string | undefined;
  at: Date;
  /** A device the account signed in from (its device cookie), while `trusts` says it may count as one. */
  device?: string | undefined;
}

export interface LoginThrottle {
  /** False once attempts from this device have failed the per-account limit: then it is treated like anyone. */
  trusts(account: string, device: string, at: Date): Promise<boolean>;
  /**
   * Counts the attempt as failed before the password is checked, so parallel guesses (in any
   * process) cannot slip past the limit while scrypt runs: seconds to wait, or 0 when the password
   * may be checked. A refused attempt is taken back at once: only checked passwords count.
   * `succeeded` takes a checked one back.
   */
  begin(attempt: LoginAttempt): Promise<number>;
  /** The password was not checked after all (too many sign-ins at once): the attempt does not count. */
  withdraw(attempt: LoginAttempt): Promise<void>;
  succeeded(attempt: LoginAttempt): Promise<void>;
}

const KNOWN_SOURCE_DAYS = 30;

/**
 * Three limits on failed sign-ins, each counted in the database (shared by every process) in a
 * window that starts at the first failure:
 * - per account *and* client address (`loginLimitPerAccount`): one address guessing at one account.
 *   Failures from elsewhere never lock the owner out of their own account;
 * - per client address (`loginLimitPerIp`): one address guessing across accounts;
 * - per account from all addresses (`loginLimitPerAccountAllSources`): a run spread over many
 *   addresses. Past it, only addresses the account signed in from lately (remembered for 30 days
 *   after each sign-in) may still try.
 * None of them looks at whether the account exists, so the answers stay the same for made-up ones.
 * An attempt from a device the account signed in from (a device cookie) is held back by none of
 * them, since what others did does not concern it; its own failures are counted per device, and
 * past the per-account limit it is trusted no more. Accounts are email keys: only keyed hashes of
 * them are stored (see counters.ts).
 */
export function createLoginThrottle(
  db: Database,
  config: Pick<Config, 'loginLimitPerAccount' | 'loginLimitPerAccountAllSources' | 'loginLimitPerIp' | 'loginLimitWindowMinutes' | 'sessionSecret'>,
): LoginThrottle {
  const windowMs = config.loginLimitWindowMinutes * 60_000;
  const secret = config.sessionSecret;
  const perAccountAndSource = rateWindow('login-account-source', config.loginLimitPerAccount, windowMs);
  const perClient = rateWindow('login-client', config.loginLimitPerIp, windowMs);
  const perAccount = rateWindow('login-account', config.loginLimitPerAccountAllSources, windowMs);
  const perDevice = rateWindow('login-device', config.loginLimitPerAccount, windowMs);
  const knownSource: RateWindow = { name: 'login-known-source', limit: 1, windowMs: KNOWN_SOURCE_DAYS * 24 * 60 * 60_000 };
  const hit = (window: RateWindow | undefined, subject: string): Hit[] => (window ? [hitOf(secret, window, subject)] : []);

  /** The windows an attempt counts in: its device's alone, or those of its account, its address and both. */
  const hitsOf = (attempt: LoginAttempt) => {
    const client = clientRateKey(attempt.clientIp, secret);
    if (attempt.device) return { client, device: hit(perDevice, `${attempt.account}\u0000${attempt.device}`), pair: [], others: [], account: [] };
    return { client, device: [], pair: hit(perAccountAndSource, `${attempt.account}\u0000${client}`), others: hit(perClient, client), account: hit(perAccount, attempt.account) };
  };
  const knows = async (account: string, client: string, now: number) => (await hitsSoFar(db, hitOf(secret, knownSource, `${account}\u0000${client}`), now)) > 0;

  return {
    trusts: async (account, device, at) => !perDevice || (await hitsSoFar(db, hitOf(secret, perDevice, `${account}\u0000${device}`), at.getTime())) < perDevice.limit,
    async begin(attempt) {
      const now = attempt.at.getTime();
      const { client, device, pair, others, account } = hitsOf(attempt);
      if (device.length > 0) {
        await countHits(db, device, now);
        return 0;
      }
      const [counted, known] = await Promise.all([countHits(db, [...pair, ...others, ...account], now), account.length > 0 ? knows(attempt.account, client, now) : false]);
      const holding = known ? counted.filter((one) => one.window !== perAccount) : counted;
      const waiting = waitMs(holding, now);
      if (waiting === 0) return 0;
      await takeBackHits(db, counted, now);
      return Math.ceil(waiting / 1000);
    },
    async withdraw(attempt) {
      const { device, pair, others, account } = hitsOf(attempt);
      await takeBackHits(db, [...device, ...pair, ...others, ...account], attempt.at.getTime());
    },
    async succeeded(attempt) {
      const { client, device, pair, others, account } = hitsOf(attempt);
      await changeCounters(db, { remember: [hitOf(secret, knownSource, `${attempt.account}\u0000${client}`)], forget: [...device, ...pair], takeBack: [...others, ...account] }, attempt.at.getTime());
    },
  };
}

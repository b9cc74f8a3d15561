import type { Config } from '../config.js';
import { FailureWindow, clientRateKey } from '../abuse/index.js';

/**
 * Addresses an account signed in from, remembered for a while: under a guessing run spread over
 * many addresses, the owner's own address is not the attacker's, and keeps its way in.
 */
class KnownSources {
  private readonly sources = new Map<string, Map<string, number>>();
  constructor(
    private readonly rememberMs: number,
    private readonly maxAccounts = 10_000,
    private readonly maxSourcesPerAccount = 20,
  ) {}

  remember(account: string, source: string, now: number): void {
    const known = this.sources.get(account) ?? new Map<string, number>();
    known.delete(source);
    known.set(source, now);
    if (known.size > this.maxSourcesPerAccount) known.delete(known.keys().next().value as string);
    this.sources.delete(account);
    this.sources.set(account, known);
    if (this.sources.size > this.maxAccounts) this.sources.delete(this.sources.keys().next().value as string);
  }

  knows(account: string, source: string, now: number): boolean {
    const at = this.sources.get(account)?.get(source);
    return at !== undefined && at > now - this.rememberMs;
  }
}

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
  trusts(account: string, device: string, at: Date): boolean;
  /** Seconds to wait before trying again, or 0. */
  retryAfterSeconds(attempt: LoginAttempt): number;
  /**
   * Counts the attempt as failed before the password is checked, so parallel guesses cannot slip
   * past the limit while scrypt runs; `succeeded` takes it back.
   */
  begin(attempt: LoginAttempt): void;
  succeeded(attempt: LoginAttempt): void;
}

const KNOWN_SOURCE_DAYS = 30;

/**
 * Three limits on failed sign-ins, each in a sliding window:
 * - per account *and* client address (`loginLimitPerAccount`): one address guessing at one account.
 *   Failures from elsewhere never lock the owner out of their own account;
 * - per client address (`loginLimitPerIp`): one address guessing across accounts;
 * - per account from all addresses (`loginLimitPerAccountAllSources`): a run spread over many
 *   addresses. Past it, only addresses the account signed in from lately may still try.
 * None of them looks at whether the account exists, so the answers stay the same for made-up ones.
 * An attempt from a device the account signed in from (a device cookie) is held back by none of
 * them, since what others did does not concern it; its own failures are counted per device, and
 * past the per-account limit it is trusted no more.
 */
export function createLoginThrottle(
  config: Pick<Config, 'loginLimitPerAccount' | 'loginLimitPerAccountAllSources' | 'loginLimitPerIp' | 'loginLimitWindowMinutes' | 'sessionSecret'>,
): LoginThrottle {
  const windowMs = config.loginLimitWindowMinutes * 60_000;
  const perAccountAndSource = new FailureWindow(config.loginLimitPerAccount, windowMs);
  const perClient = new FailureWindow(config.loginLimitPerIp, windowMs);
  const perAccount = new FailureWindow(config.loginLimitPerAccountAllSources, windowMs);
  const perDevice = new FailureWindow(config.loginLimitPerAccount, windowMs);
  const knownSources = new KnownSources(KNOWN_SOURCE_DAYS * 24 * 60 * 60_000);
  const keysOf = (attempt: LoginAttempt) => {
    const client = clientRateKey(attempt.clientIp, config.sessionSecret);
    return { client, pair: `${attempt.account}\u0000${client}`, now: attempt.at.getTime() };
  };
  const deviceKey = (account: string, device: string) => `${account}\u0000${device}`;
  return {
    trusts: (account, device, at) => perDevice.waitMs(deviceKey(account, device), at.getTime()) === 0,
    retryAfterSeconds(attempt) {
      if (attempt.device) return 0;
      const { client, pair, now } = keysOf(attempt);
      const waits = [perAccountAndSource.waitMs(pair, now), perClient.waitMs(client, now)];
      if (!knownSources.knows(attempt.account, client, now)) waits.push(perAccount.waitMs(attempt.account, now));
      const waitMs = Math.max(...waits);
      return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
    },
    begin(attempt) {
      const { client, pair, now } = keysOf(attempt);
      if (attempt.device) return perDevice.record(deviceKey(attempt.account, attempt.device), now);
      perAccountAndSource.record(pair, now);
      perClient.record(client, now);
      perAccount.record(attempt.account, now);
    },
    succeeded(attempt) {
      const { client, pair, now } = keysOf(attempt);
      knownSources.remember(attempt.account, client, now);
      if (attempt.device) return perDevice.clear(deviceKey(attempt.account, attempt.device));
      perAccountAndSource.clear(pair);
      perClient.forgive(client, now);
      perAccount.forgive(attempt.account, now);
    },
  };
}

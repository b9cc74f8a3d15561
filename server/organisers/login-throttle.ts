import { isIPv4 } from 'node:net';
import type { Config } from '../config.js';
import { describeClientAddress } from '../signatures/client-address.js';

/**
 * Failed attempts per key in a sliding window, in memory: sign-in is rare, the process is single,
 * and a restart forgetting the counts only gives an attacker one more window. Keys are bounded so
 * a flood of made-up emails cannot grow memory without limit.
 */
class FailureWindow {
  private readonly failures = new Map<string, number[]>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Milliseconds until the key may try again; 0 when it may now. */
  waitMs(key: string, now: number): number {
    if (this.limit === 0) return 0;
    const recent = this.recent(key, now);
    if (recent.length < this.limit) return 0;
    const oldestThatCounts = recent[recent.length - this.limit] ?? now;
    return oldestThatCounts + this.windowMs - now;
  }

  record(key: string, now: number): void {
    if (this.limit === 0) return;
    const recent = this.recent(key, now);
    recent.push(now);
    this.failures.delete(key);
    this.failures.set(key, recent.slice(-this.limit));
    if (this.failures.size > this.maxKeys) {
      const oldestKey = this.failures.keys().next().value;
      if (oldestKey !== undefined) this.failures.delete(oldestKey);
    }
  }

  /** Takes back one recorded failure (an attempt counted up-front that turned out to succeed). */
  forgive(key: string, at: number): void {
    const recent = this.failures.get(key);
    const index = recent?.lastIndexOf(at) ?? -1;
    if (recent && index >= 0) recent.splice(index, 1);
  }

  clear(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((at) => at > now - this.windowMs);
  }
}

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
}

export interface LoginThrottle {
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
 */
export function createLoginThrottle(
  config: Pick<Config, 'loginLimitPerAccount' | 'loginLimitPerAccountAllSources' | 'loginLimitPerIp' | 'loginLimitWindowMinutes' | 'sessionSecret'>,
): LoginThrottle {
  const windowMs = config.loginLimitWindowMinutes * 60_000;
  const perAccountAndSource = new FailureWindow(config.loginLimitPerAccount, windowMs);
  const perClient = new FailureWindow(config.loginLimitPerIp, windowMs);
  const perAccount = new FailureWindow(config.loginLimitPerAccountAllSources, windowMs);
  const knownSources = new KnownSources(KNOWN_SOURCE_DAYS * 24 * 60 * 60_000);
  const clientKey = (ip: string | undefined): string => {
    if (!ip) return 'unknown';
    const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
    // IPv6 clients usually hold a whole range, so they are counted by network.
    return isIPv4(v4) ? v4 : (describeClientAddress(ip, config.sessionSecret)?.ipNetwork ?? ip);
  };
  const keysOf = (attempt: LoginAttempt) => {
    const client = clientKey(attempt.clientIp);
    return { client, pair: `${attempt.account}\u0000${client}`, now: attempt.at.getTime() };
  };
  return {
    retryAfterSeconds(attempt) {
      const { client, pair, now } = keysOf(attempt);
      const waits = [perAccountAndSource.waitMs(pair, now), perClient.waitMs(client, now)];
      if (!knownSources.knows(attempt.account, client, now)) waits.push(perAccount.waitMs(attempt.account, now));
      const waitMs = Math.max(...waits);
      return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
    },
    begin(attempt) {
      const { client, pair, now } = keysOf(attempt);
      perAccountAndSource.record(pair, now);
      perClient.record(client, now);
      perAccount.record(attempt.account, now);
    },
    succeeded(attempt) {
      const { client, pair, now } = keysOf(attempt);
      perAccountAndSource.clear(pair);
      perClient.forgive(client, now);
      perAccount.forgive(attempt.account, now);
      knownSources.remember(attempt.account, client, now);
    },
  };
}

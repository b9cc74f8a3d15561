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

export function createLoginThrottle(config: Pick<Config, 'loginLimitPerAccount' | 'loginLimitPerIp' | 'loginLimitWindowMinutes' | 'sessionSecret'>): LoginThrottle {
  const windowMs = config.loginLimitWindowMinutes * 60_000;
  const perAccount = new FailureWindow(config.loginLimitPerAccount, windowMs);
  const perClient = new FailureWindow(config.loginLimitPerIp, windowMs);
  const clientKey = (ip: string | undefined): string => {
    if (!ip) return 'unknown';
    const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
    // IPv6 clients usually hold a whole range, so they are counted by network.
    return isIPv4(v4) ? v4 : (describeClientAddress(ip, config.sessionSecret)?.ipNetwork ?? ip);
  };
  return {
    retryAfterSeconds(attempt) {
      const now = attempt.at.getTime();
      const waitMs = Math.max(perAccount.waitMs(attempt.account, now), perClient.waitMs(clientKey(attempt.clientIp), now));
      return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
    },
    begin(attempt) {
      perAccount.record(attempt.account, attempt.at.getTime());
      perClient.record(clientKey(attempt.clientIp), attempt.at.getTime());
    },
    succeeded(attempt) {
      perAccount.clear(attempt.account);
      perClient.forgive(clientKey(attempt.clientIp), attempt.at.getTime());
    },
  };
}

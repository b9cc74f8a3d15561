import { isIPv4 } from 'node:net';
import { describeClientAddress } from '../lib/client-address.js';

/** The key a client's failures are counted under: its IPv4 address, or its IPv6 network (clients usually hold a whole range). */
export function clientRateKey(ip: string | undefined, secret: string): string {
  if (!ip) return 'unknown';
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return isIPv4(v4) ? v4 : (describeClientAddress(ip, secret)?.ipNetwork ?? ip);
}

/**
 * Failed attempts per key in a sliding window, in memory: failures are rare, the process is
 * single, and a restart forgetting the counts only gives an attacker one more window. Keys are
 * bounded so a flood of made-up keys cannot grow memory without limit.
 */
export class FailureWindow {
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


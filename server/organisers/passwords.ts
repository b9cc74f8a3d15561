import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Config } from '../config.js';

export interface ScryptCost {
  /** log2 of scrypt's N (CPU and memory cost). */
  logN: number;
  r: number;
  p: number;
}

/** OWASP Password Storage Cheat Sheet: scrypt with N=2^17, r=8, p=1 (128 MiB, ~0.1–1 s per hash). */
export const OWASP_SCRYPT_COST: ScryptCost = { logN: 17, r: 8, p: 1 };

/**
 * Tests create and sign in dozens of organisers on a small shared machine; at OWASP cost each hash
 * takes about a second and 128 MiB there. Only NODE_ENV=test may lower it. Hashes record their own
 * cost, so a weaker hash that somehow reaches production still verifies and is re-hashed at OWASP
 * cost on the next sign-in (see `needsRehash`).
 */
const TEST_SCRYPT_COST: ScryptCost = { logN: 10, r: 8, p: 1 };

export const scryptCostFor = (env: Config['env']): ScryptCost => (env === 'test' ? TEST_SCRYPT_COST : OWASP_SCRYPT_COST);

export const MIN_PASSWORD_LENGTH = 12;
/** Bounds the work one sign-in can cause; no real passphrase is this long. */
export const MAX_PASSWORD_LENGTH = 1024;

const KEY_BYTES = 32;
const SALT_BYTES = 16;

const scryptAsync = (password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> => {
  const N = 2 ** cost.logN;
  // Node refuses above 32 MiB by default; scrypt needs 128·N·r bytes, so allow twice that.
  const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
};

/** `scrypt$logN$r$p$salt$key`, salt and key in base64url: self-describing, so the cost can change later. */
export async function hashPassword(password: string, cost: ScryptCost): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptAsync(password, salt, cost);
  return ['scrypt', cost.logN, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface ParsedHash {
  cost: ScryptCost;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | undefined {
  const [scheme, logN, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return undefined;
  const cost = { logN: Number(logN), r: Number(r), p: Number(p) };
  if (![cost.logN, cost.r, cost.p].every((n) => Number.isInteger(n) && n > 0) || cost.logN > 22) return undefined;
  return { cost, salt: Buffer.from(salt, 'base64url'), key: Buffer.from(key, 'base64url') };
}

/** Constant-time comparison; a malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await scryptAsync(password, parsed.salt, parsed.cost);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

export function needsRehash(stored: string, cost: ScryptCost): boolean {
  const parsed = parseHash(stored);
  return !parsed || parsed.cost.logN !== cost.logN || parsed.cost.r !== cost.r || parsed.cost.p !== cost.p;
}

const dummyHashes = new Map<string, Promise<string>>();

/**
 * A hash of a random password at the given cost. Checking an unknown email against it costs the
 * same scrypt work as a real account, so response time does not reveal which emails exist.
 */
export function dummyHash(cost: ScryptCost): Promise<string> {
  const key = `${cost.logN}/${cost.r}/${cost.p}`;
  let hash = dummyHashes.get(key);
  if (!hash) {
    hash = hashPassword(randomBytes(32).toString('base64url'), cost);
    dummyHashes.set(key, hash);
  }
  return hash;
}

/** The one rule for new passwords, shared by the CLI and the web forms. */
export function passwordProblem(password: string): string | undefined {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `Password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (length > MAX_PASSWORD_LENGTH) return `Password must be ${MAX_PASSWORD_LENGTH} characters or fewer`;
  return undefined;
}

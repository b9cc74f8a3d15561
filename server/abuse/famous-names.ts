import { readFileSync } from 'node:fs';
import type { Context } from '../context.js';

/** Why a signature waits for a moderator: stored in signatures.hold_reason. */
export const FAMOUS_NAME_HOLD = 'famous_name';

/**
 * The comparable form of a person's name: accents, case, punctuation and spacing do not matter,
 * so "Élon  MUSK", "elon musk" and "Elon-Musk" are the same. Compatibility forms (full-width or
 * styled letters) fold to plain letters too.
 */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const listsByPath = new Map<string, ReadonlySet<string>>();

/** The configured list, read once per process (the file is checked to exist at start-up). */
export function famousNames(path: string): ReadonlySet<string> {
  let names = listsByPath.get(path);
  if (!names) {
    names = new Set(
      readFileSync(path, 'utf8')
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith('#'))
        .map(normaliseName)
        .filter(Boolean),
    );
    listsByPath.set(path, names);
  }
  return names;
}

/** The hold reason for a signer using a famous person's name, so a moderator checks it first. */
export function famousNameHold(ctx: Context, name: string): string | null {
  return famousNames(ctx.config.famousNamesFile).has(normaliseName(name)) ? FAMOUS_NAME_HOLD : null;
}

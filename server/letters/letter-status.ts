import type { LetterRow, PublicLetterRow } from './table.js';

/** What a letter's status, window and counts mean for readers and signers, at a given moment. */

/** Open for signing right now: status open and inside the optional opening window. */
export function isAcceptingSignatures(letter: Pick<LetterRow, 'status' | 'opensAt' | 'closesAt'>, now: Date): boolean {
  if (letter.status !== 'open') return false;
  if (letter.opensAt && letter.opensAt > now) return false;
  if (letter.closesAt && letter.closesAt <= now) return false;
  return true;
}

/** The status a reader sees, with the opening and closing times applied. */
export function effectiveStatus(letter: Pick<LetterRow, 'status' | 'opensAt' | 'closesAt'>, now: Date): 'draft' | 'scheduled' | 'open' | 'closed' {
  if (letter.status === 'draft') return 'draft';
  if (letter.status === 'closed') return 'closed';
  if (letter.opensAt && letter.opensAt > now) return 'scheduled';
  return isAcceptingSignatures(letter, now) ? 'open' : 'closed';
}

/** The honest count: confirmed signatures that are neither rejected nor withdrawn. */
export const signatureCount = (letter: Pick<LetterRow, 'countPending' | 'countApproved'>): number =>
  letter.countPending + letter.countApproved;

/** Columns public pages never show as such: the counts are shown as below. */
const COUNT_COLUMNS = new Set<string>(['countUnconfirmed', 'countPending', 'countApproved', 'countRejected', 'countWithdrawn']);

/**
 * What public pages show of a letter, as one string: every column but the raw counts, the honest
 * count and the status at `now`. public_revision stands for the signatories. Pages rendered from
 * equal fingerprints are equal, so a page can be kept until its letter's fingerprint moves.
 */
export function publicFingerprint(letter: PublicLetterRow, now: Date): string {
  // Built by hand, not with JSON.stringify: this runs on every public page view. Form input
  // never holds control characters, so the unit separator cannot occur inside a value.
  let fingerprint = '';
  for (const [column, value] of Object.entries(letter)) {
    if (!COUNT_COLUMNS.has(column)) fingerprint += `${value instanceof Date ? value.getTime() : value}\u001f`;
  }
  return `${fingerprint}${signatureCount(letter)}\u001f${effectiveStatus(letter, now)}`;
}

/**
 * When a letter stopped taking signatures, or undefined while it still can: the earlier of the
 * moment an organiser closed it by hand and a scheduled closing time that has passed. (A letter
 * closed by hand before closed_at was recorded has its last change then as its closing moment,
 * which is never earlier than the real one.)
 */
export function closedSince(letter: Pick<LetterRow, 'status' | 'opensAt' | 'closesAt' | 'closedAt' | 'updatedAt'>, now: Date): Date | undefined {
  if (effectiveStatus(letter, now) !== 'closed') return undefined;
  const scheduled = letter.closesAt && letter.closesAt <= now ? letter.closesAt : undefined;
  const byHand = letter.status === 'closed' ? (letter.closedAt ?? letter.updatedAt) : undefined;
  if (scheduled && byHand) return scheduled < byHand ? scheduled : byHand;
  return scheduled ?? byHand;
}

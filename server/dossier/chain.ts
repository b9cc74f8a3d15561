import { createHash } from 'node:crypto';

/**
 * The hash-chained list of a letter's signatories (signatories.ndjson), as the server writes it and
 * `undersigned verify` checks it. One JSON object a line, ending in "\n", keys in this order:
 *
 *   {"position":1,"name":"…","title":"…","organisation":"…","affiliation_verified":false,"signed":"2026-11-30","prev":"<64 hex>"}
 *
 * `prev` is the SHA-256 (hex) of the previous line's exact bytes, without its "\n". The first
 * line's `prev` (the genesis) is the SHA-256 of the letter's current version (the manifest's
 * `version_sha256`), so the list is bound to the text signed. The chain head is the SHA-256 of the
 * last line; for an empty list it is the genesis.
 */

export const MANIFEST_FORMAT = 'undersigned-signatories/1';

export interface ChainEntry {
  name: string;
  title: string;
  organisation: string;
  affiliationVerified: boolean;
  /** The day signed, YYYY-MM-DD (UTC). */
  signed: string;
}

export const lineHash = (line: string | Buffer): string => createHash('sha256').update(line).digest('hex');

/** The line (without its "\n") for the signatory at `position`, following the line whose hash is `prev`. */
export const chainLine = (position: number, entry: ChainEntry, prev: string): string =>
  JSON.stringify({
    position,
    name: entry.name,
    title: entry.title,
    organisation: entry.organisation,
    affiliation_verified: entry.affiliationVerified,
    signed: entry.signed,
    prev,
  });

/** What manifest.json says; the verifier reads the same names. */
export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  letter: string;
  version: number;
  version_sha256: string;
  /** The list's snapshot: pass it to signatories.ndjson as `?revision=` to get the very list this manifest describes. */
  revision: string;
  count: number;
  chain_head: string;
  generated_at: string;
  list_url: string;
}

/** Builds the chain a line at a time: each call gives the next line (without "\n"). */
export class ChainWriter {
  #prev: string;
  #position = 0;

  constructor(genesis: string) {
    this.#prev = genesis;
  }

  next(entry: ChainEntry): string {
    this.#position += 1;
    const line = chainLine(this.#position, entry, this.#prev);
    this.#prev = lineHash(line);
    return line;
  }

  get count(): number {
    return this.#position;
  }

  get head(): string {
    return this.#prev;
  }
}

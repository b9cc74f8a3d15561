import { lineHash, MANIFEST_FORMAT, type Manifest } from './chain.js';

/** The verdict on a list against its manifest: agreement, a first bad line, or input that cannot be read as either. */
export type Verdict = { ok: true; summary: string } | { ok: false; kind: 'mismatch' | 'malformed'; message: string };

const HEX64 = /^[0-9a-f]{64}$/;
const mismatch = (message: string): Verdict => ({ ok: false, kind: 'mismatch', message });
const malformed = (message: string): Verdict => ({ ok: false, kind: 'malformed', message });

/** The manifest's fields the check needs, or why it is not a manifest. */
export function readManifest(text: string): Manifest | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'the manifest is not JSON';
  }
  const manifest = value as Partial<Manifest> | null;
  if (typeof manifest !== 'object' || manifest === null) return 'the manifest is not a JSON object';
  if (manifest.format !== MANIFEST_FORMAT) return `the manifest's format is not "${MANIFEST_FORMAT}"`;
  if (typeof manifest.version_sha256 !== 'string' || !HEX64.test(manifest.version_sha256)) return 'the manifest has no version_sha256 (64 hex digits)';
  if (typeof manifest.chain_head !== 'string' || !HEX64.test(manifest.chain_head)) return 'the manifest has no chain_head (64 hex digits)';
  if (!Number.isSafeInteger(manifest.count) || (manifest.count as number) < 0) return 'the manifest has no count (a whole number)';
  return manifest as Manifest;
}

/**
 * Checks a signatories.ndjson (its exact bytes) against its manifest.json (see chain.ts): every
 * line in place (position), chained to the one before (prev), as many as counted, ending at the
 * head. Stops at the first line that is wrong, naming it and why.
 */
export function verifySignatoryList(manifestText: string, list: Buffer): Verdict {
  const manifest = readManifest(manifestText);
  if (typeof manifest === 'string') return malformed(manifest);
  if (list.length > 0 && list[list.length - 1] !== 0x0a) return mismatch(`line ${countLines(list)}: the file ends in the middle of a line (it was cut short or edited)`);

  let expectedPrev = manifest.version_sha256;
  let lineNumber = 0;
  for (let start = 0; start < list.length; ) {
    const end = list.indexOf(0x0a, start);
    const line = list.subarray(start, end);
    start = end + 1;
    lineNumber += 1;
    const fields = parseLine(line);
    if (!fields) return malformed(`line ${lineNumber}: not a JSON object with a position and a prev`);
    if (fields.position !== lineNumber) return mismatch(`line ${lineNumber}: position ${fields.position} where ${lineNumber} was expected: a line was added, removed or moved`);
    if (lineNumber > manifest.count) return mismatch(`line ${lineNumber}: added: the manifest counts ${manifest.count} signatories`);
    if (fields.prev !== expectedPrev) {
      return mismatch(
        lineNumber === 1
          ? 'line 1: its prev is not the letter version’s SHA-256 in the manifest: the list is of another letter or version, or line 1 was changed'
          : `line ${lineNumber - 1}: changed: its SHA-256 is not the prev that line ${lineNumber} records`,
      );
    }
    expectedPrev = lineHash(line);
  }
  if (lineNumber < manifest.count) return mismatch(`line ${lineNumber + 1}: missing: the manifest counts ${manifest.count} signatories, the list has ${lineNumber}`);
  if (expectedPrev !== manifest.chain_head) {
    return mismatch(lineNumber === 0 ? 'the list is empty but the manifest’s chain head is not the genesis' : `line ${lineNumber}: changed: its SHA-256 is not the manifest’s chain head`);
  }
  return { ok: true, summary: `OK: ${lineNumber} signatories of ${String(manifest.letter)} (version ${String(manifest.version)}, text SHA-256 ${manifest.version_sha256.slice(0, 12)}…) agree with the manifest; chain head ${manifest.chain_head}` };
}

function parseLine(line: Buffer): { position: unknown; prev: unknown } | undefined {
  try {
    const value = JSON.parse(line.toString('utf8')) as unknown;
    if (typeof value !== 'object' || value === null || !('position' in value) || !('prev' in value)) return undefined;
    return value;
  } catch {
    return undefined;
  }
}

const countLines = (list: Buffer): number => list.toString('latin1').split('\n').length;

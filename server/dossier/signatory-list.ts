import type { Context } from '../context.js';
import { openExportReader, type ExportReader, type ExportValue } from '../db/export-reader.js';
import { AppError } from '../web/errors.js';
import { findPublicLetter } from '../letters/index.js';
import { ChainWriter, MANIFEST_FORMAT, type ChainEntry, type Manifest } from './chain.js';

/** Lines read and hashed per chunk: memory stays flat however long the list is. */
const ROWS_PER_CHUNK = 256;

/** The letter as the list's snapshot sees it. */
interface ListSnapshot {
  slug: string;
  version: number;
  versionSha256: string;
  /** The letter's public revision (bumped by the triggers whenever a listed signatory changes) and its version: the list is fixed by both. */
  revision: string;
}

/** 409: the list changed since the manifest that named this revision; fetch the manifest again. */
export const listChanged = (revision: string): AppError =>
  new AppError('list_changed', 409, 'The list of signatories has changed since that manifest was made. Fetch manifest.json again, then the list with its revision.', { revision });

/**
 * A letter's listed signatories as the hash chain (see chain.ts), in signing order (by signature
 * id), read on one snapshot a chunk at a time. `use` gets the snapshot first (so a caller can set
 * headers or refuse) and then the lines, each ending in "\n", as chunks of bytes.
 */
export async function readSignatoryChain<T>(
  ctx: Context,
  slug: string,
  use: (snapshot: ListSnapshot, chunks: AsyncGenerator<Buffer>, chain: ChainWriter) => Promise<T>,
): Promise<T> {
  const letter = await findPublicLetter(ctx.db, slug);
  const reader = await openExportReader(ctx.db);
  try {
    const snapshot = await snapshotOf(reader, letter.id, letter.slug);
    const organisationNames = await reader.lookup('SELECT id, name FROM organisations', []);
    const chain = new ChainWriter(snapshot.versionSha256);
    return await use(snapshot, chainChunks(reader, letter.id, organisationNames, chain), chain);
  } finally {
    await reader.close();
  }
}

/** The revision of a letter's list: its public revision and current version, both moved by any change the list would show. */
const REVISION_SQL = "CAST(public_revision AS text) || '.' || CAST(current_version_id AS text)";
export const listRevisionOf = (letter: { publicRevision: number; currentVersionId: number | null }): string => `${letter.publicRevision}.${letter.currentVersionId}`;

async function snapshotOf(reader: ExportReader, letterId: number, slug: string): Promise<ListSnapshot> {
  const revisions = await reader.lookup(`SELECT id, ${REVISION_SQL} FROM letters WHERE id = ?`, [letterId]);
  const versions = await reader.lookup('SELECT number, sha256 FROM letter_versions WHERE id = (SELECT current_version_id FROM letters WHERE id = ?)', [letterId]);
  const [[version, versionSha256] = [0, '']] = [...versions];
  return { slug, version, versionSha256, revision: revisions.get(letterId) ?? '' };
}

async function* chainChunks(reader: ExportReader, letterId: number, organisationNames: Map<number, string>, chain: ChainWriter): AsyncGenerator<Buffer> {
  const query = {
    cells: ['s.name', 's.title', 's.organisation_text', "coalesce(CAST(s.organisation_id AS text), '')", 'CASE WHEN s.affiliation_verified THEN 1 ELSE 0 END', 'CAST(s.signed_at AS text)'],
    where: `s.letter_id = ? AND ${reader.isSet('s.listed')}`,
    params: [letterId],
    rowsPerChunk: ROWS_PER_CHUNK,
  };
  for await (const chunk of reader.chunks(query)) {
    const rows = 'rows' in chunk ? chunk.rows : chunk.plain();
    yield Buffer.from(rows.map((row) => `${chain.next(entryOf(row, organisationNames))}\n`).join(''));
  }
}

/** What the public list shows of a row: the matched organisation's name, else the text as typed. */
function entryOf([name, title, organisationText, organisationId, verified, signedAt]: ExportValue[], organisationNames: Map<number, string>): ChainEntry {
  const matched = organisationId ? organisationNames.get(Number(organisationId)) : undefined;
  return {
    name: String(name),
    title: String(title),
    organisation: matched ?? String(organisationText),
    affiliationVerified: Number(verified) === 1,
    signed: new Date(Number(signedAt)).toISOString().slice(0, 10),
  };
}

/** The manifest of the list as it stands: the whole chain is read (on one snapshot) to find its head. */
export async function manifestOf(ctx: Context, slug: string): Promise<Manifest> {
  return readSignatoryChain(ctx, slug, async (snapshot, chunks, chain) => {
    for await (const chunk of chunks) void chunk;
    return {
      format: MANIFEST_FORMAT,
      letter: snapshot.slug,
      version: snapshot.version,
      version_sha256: snapshot.versionSha256,
      revision: snapshot.revision,
      count: chain.count,
      chain_head: chain.head,
      generated_at: ctx.now().toISOString(),
      list_url: `${ctx.config.baseUrl}/letters/${snapshot.slug}/signatories.ndjson?revision=${snapshot.revision}`,
    };
  });
}

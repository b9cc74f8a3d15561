import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { TestApp } from './app.js';
import { tempDir } from './config.js';

/** The body of a download as its exact bytes, whatever its type. */
export const asBytes = (req: request.Test) =>
  req.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });

export interface FetchedList {
  manifestText: string;
  manifest: Record<string, unknown>;
  list: Buffer;
  /** The two written to files, as a recipient saves them. */
  manifestPath: string;
  listPath: string;
  /** Writes a changed list next to the original and returns its path. */
  writeList(bytes: Buffer | string, name?: string): string;
}

/** Fetches a letter's manifest.json and then its list at the manifest's revision, as a recipient would, and saves both. */
export async function fetchVerifiableList(t: Pick<TestApp, 'app'>, slug: string): Promise<FetchedList> {
  const manifestText = (await request(t.app).get(`/letters/${slug}/manifest.json`).expect(200).expect('content-type', /application\/json/)).text;
  const manifest = JSON.parse(manifestText) as Record<string, unknown>;
  const listResponse = await asBytes(request(t.app).get(`/letters/${slug}/signatories.ndjson?revision=${String(manifest.revision)}`)).expect(200);
  const list = listResponse.body as Buffer;
  const dir = tempDir('undersigned-dossier-');
  const writeList = (bytes: Buffer | string, name = 'changed.ndjson') => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const manifestPath = join(dir, 'manifest.json');
  writeFileSync(manifestPath, manifestText);
  return { manifestText, manifest, list, manifestPath, listPath: writeList(list, 'list.ndjson'), writeList };
}

/** The lines of an ndjson body, without the final newline's empty remainder. */
export const ndjsonLines = (body: Buffer | string): string[] => body.toString().split('\n').slice(0, -1);

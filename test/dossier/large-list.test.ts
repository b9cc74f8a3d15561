import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { appPerFile, databaseEnv } from '../helpers/app.js';
import { insertManySignatures } from '../helpers/bulk-signatures.js';
import { runCliCommand } from '../helpers/cli.js';
import { fetchVerifiableList, ndjsonLines } from '../helpers/dossier.js';
import { buildLetter } from '../helpers/factories.js';

const t = appPerFile();
const LISTED = 20_000;

describe('a long verifiable list', () => {
  it('when a letter has 20,000 listed signatories, then the list is sent chunked as it is read, holds each once in order, and verifies', async () => {
    const letter = await buildLetter(t.ctx);
    await insertManySignatures(t, letter, LISTED, 'a comment never published');

    const head = await request(t.app).get(`/letters/${letter.slug}/signatories.ndjson`).expect(200);
    // No Content-Length: the body is written a chunk at a time, never built whole first.
    expect(head.headers['transfer-encoding']).toBe('chunked');
    expect(head.headers['content-length']).toBeUndefined();

    const fetched = await fetchVerifiableList(t, letter.slug);
    const lines = ndjsonLines(fetched.list);
    expect(lines).toHaveLength(LISTED);
    expect(fetched.manifest.count).toBe(LISTED);
    expect(JSON.parse(lines[0]!)).toMatchObject({ position: 1, name: 'Signer number 0' });
    expect(JSON.parse(lines[LISTED - 1]!)).toMatchObject({ position: LISTED, name: `Signer number ${LISTED - 1}` });
    expect(fetched.list.toString()).not.toContain('a comment never published');
    expect((await runCliCommand(['verify', fetched.manifestPath, fetched.listPath], databaseEnv(t.config))).code).toBe(0);
  });
});

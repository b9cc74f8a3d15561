import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { appPerTest, databaseEnv } from '../helpers/app.js';
import { runCliCommand, runCliProcess } from '../helpers/cli.js';
import { asBytes, fetchVerifiableList, ndjsonLines } from '../helpers/dossier.js';
import { buildLetter, buildSignature } from '../helpers/factories.js';
import { createHash } from 'node:crypto';

const t = appPerTest();
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const verify = (manifestPath: string, listPath: string) => runCliCommand(['verify', manifestPath, listPath], databaseEnv(t.config));

async function letterWithSignatories(names: string[]) {
  const letter = await buildLetter(t.ctx);
  for (const name of names) await buildSignature(t.ctx, letter, { name, state: 'approved', email: `${name.toLowerCase().replace(/\W/g, '')}@example.org` });
  return letter;
}

describe('the verifiable list of signatories', () => {
  it('when the list is fetched, then it holds only listed signatories, in signing order, chained line to line from the version’s SHA-256, with no address or id', async () => {
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { name: 'Ada Listed', email: 'ada@example.org', state: 'approved', title: 'Engineer', organisationText: 'Analytical "Engines"', affiliationVerified: true });
    await buildSignature(t.ctx, letter, { name: 'Pending Person', email: 'pending@example.org', state: 'pending' });
    await buildSignature(t.ctx, letter, { name: 'Hidden Person', email: 'hidden@example.org', state: 'approved', showPublic: false });
    await buildSignature(t.ctx, letter, { name: 'Withdrawn Person', email: 'gone@example.org', state: 'withdrawn' });
    await buildSignature(t.ctx, letter, { name: 'Unconfirmed Person', email: 'new@example.org' });
    await buildSignature(t.ctx, letter, { name: 'Grace Listed', email: 'grace@example.org', state: 'approved' });

    const fetched = await fetchVerifiableList(t, letter.slug);
    const lines = ndjsonLines(fetched.list);
    expect(lines.map((line) => (JSON.parse(line) as { name: string }).name)).toEqual(['Ada Listed', 'Grace Listed']);
    const [first, second] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(Object.keys(first!)).toEqual(['position', 'name', 'title', 'organisation', 'affiliation_verified', 'signed', 'prev']);
    expect(first).toMatchObject({ position: 1, title: 'Engineer', organisation: 'Analytical "Engines"', affiliation_verified: true, signed: t.ctx.now().toISOString().slice(0, 10), prev: fetched.manifest.version_sha256 });
    expect(second).toMatchObject({ position: 2, prev: sha256(lines[0]!) });
    expect(fetched.list.toString()).not.toMatch(/@|example\.org|"id"/);

    const [version] = await t.ctx.db.select().from((await import('../../server/db/schema.js')).letterVersions);
    expect(fetched.manifest).toMatchObject({ format: 'undersigned-signatories/1', letter: letter.slug, version: 1, version_sha256: version!.sha256, count: 2, chain_head: sha256(lines[1]!) });
    expect(new Date(String(fetched.manifest.generated_at)).getTime()).toBe(t.ctx.now().getTime());
  });

  it('when the list is empty, then the manifest counts none and its head is the genesis, and verify agrees', async () => {
    const letter = await buildLetter(t.ctx);
    const fetched = await fetchVerifiableList(t, letter.slug);
    expect(fetched.list.length).toBe(0);
    expect(fetched.manifest).toMatchObject({ count: 0, chain_head: fetched.manifest.version_sha256 });
    expect((await verify(fetched.manifestPath, fetched.listPath)).code).toBe(0);
  });

  it('when the list and manifest are checked unchanged with the real binary, then it exits 0 with a one-line summary; a changed name exits 1 naming the line', async () => {
    const letter = await letterWithSignatories(['Ada', 'Grace', 'Katherine']);
    const fetched = await fetchVerifiableList(t, letter.slug);
    const renamed = fetched.writeList(fetched.list.toString().replace('"Grace"', '"Gracie"'));
    const [good, bad] = await Promise.all([runCliProcess(['verify', fetched.manifestPath, fetched.listPath], {}), runCliProcess(['verify', fetched.manifestPath, renamed], {})]);
    expect(good).toMatchObject({ code: 0, stderr: '' });
    expect(good.stdout).toMatch(/^OK: 3 signatories of letter-.* agree with the manifest; chain head [0-9a-f]{64}\n$/);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('line 2: changed');
    // Two child processes (tsx compiles the CLI in each): seconds alone, far more on a loaded machine.
  }, 90_000);

  it.each([
    ['a name is changed on the last line', (lines: string[]) => [...lines.slice(0, 2), lines[2]!.replace('Katherine', 'Kathy')], 'line 3: changed: its SHA-256 is not the manifest’s chain head'],
    ['a line is added at the end', (lines: string[]) => [...lines, lines[2]!.replace('"position":3', '"position":4')], 'line 4: '],
    ['a line is added in the middle', (lines: string[]) => [lines[0]!, lines[1]!, lines[1]!, lines[2]!], 'line 3: position 2 where 3 was expected'],
    ['a line is removed', (lines: string[]) => [lines[0]!, lines[2]!], 'line 2: position 3 where 2 was expected'],
    ['the last line is removed', (lines: string[]) => lines.slice(0, 2), 'line 3: missing: the manifest counts 3 signatories, the list has 2'],
    ['two lines are swapped', (lines: string[]) => [lines[1]!, lines[0]!, lines[2]!], 'line 1: position 2 where 1 was expected'],
    ['lines are swapped with their positions renumbered', (lines: string[]) => [lines[1]!.replace('"position":2', '"position":1'), lines[0]!.replace('"position":1', '"position":2'), lines[2]!], 'line 1: its prev is not the letter version’s SHA-256'],
  ])('when %s, then verify exits 1 naming the first bad line', async (_case, tamper, message) => {
    const letter = await letterWithSignatories(['Ada', 'Grace', 'Katherine']);
    const fetched = await fetchVerifiableList(t, letter.slug);
    const changed = fetched.writeList(`${tamper(ndjsonLines(fetched.list)).join('\n')}\n`);
    const result = await verify(fetched.manifestPath, changed);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
  });

  it('when the manifest’s count or head is changed, then verify exits 1', async () => {
    const letter = await letterWithSignatories(['Ada', 'Grace']);
    const fetched = await fetchVerifiableList(t, letter.slug);
    const count = fetched.writeList(JSON.stringify({ ...fetched.manifest, count: 1 }), 'count.json');
    expect((await verify(count, fetched.listPath)).stderr).toContain('line 2: added: the manifest counts 1');
    const head = fetched.writeList(JSON.stringify({ ...fetched.manifest, chain_head: '0'.repeat(64) }), 'head.json');
    const result = await verify(head, fetched.listPath);
    expect(result).toMatchObject({ code: 1 });
    expect(result.stderr).toContain('line 2: changed: its SHA-256 is not the manifest’s chain head');
  });

  it.each([
    ['a missing file', (paths: { manifest: string; list: string; dir: (name: string, text: string) => string }) => [paths.manifest, `${paths.list}.missing`], 'cannot read the list'],
    ['a manifest that is not JSON', (paths: { manifest: string; list: string; dir: (name: string, text: string) => string }) => [paths.dir('m.json', '{nope'), paths.list], 'the manifest is not JSON'],
    ['a manifest without a head', (paths: { manifest: string; list: string; dir: (name: string, text: string) => string }) => [paths.dir('m.json', '{"format":"undersigned-signatories/1","version_sha256":"' + '0'.repeat(64) + '","count":1}'), paths.list], 'no chain_head'],
    ['a list line that is not JSON', (paths: { manifest: string; list: string; dir: (name: string, text: string) => string }) => [paths.manifest, paths.dir('l.ndjson', 'not json\n')], 'line 1: not a JSON object'],
    ['one file only', (paths: { manifest: string; list: string; dir: (name: string, text: string) => string }) => [paths.manifest], 'two files are required'],
  ])('when verify is given %s, then it exits 2 with a clear message', async (_case, pick, message) => {
    const letter = await letterWithSignatories(['Ada']);
    const fetched = await fetchVerifiableList(t, letter.slug);
    const result = await runCliCommand(['verify', ...pick({ manifest: fetched.manifestPath, list: fetched.listPath, dir: (name, text) => fetched.writeList(text, name) })], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('when a signature is listed between the manifest and the list, then the list at the manifest’s revision is refused with 409, and both fetched again agree', async () => {
    const letter = await letterWithSignatories(['Ada']);
    const manifest = (await request(t.app).get(`/letters/${letter.slug}/manifest.json`).expect(200)).body as { revision: string; count: number };
    await buildSignature(t.ctx, letter, { name: 'Late Signer', state: 'approved' });
    const refused = await request(t.app).get(`/letters/${letter.slug}/signatories.ndjson?revision=${manifest.revision}`).expect(409);
    expect(refused.text).toContain('Fetch manifest.json again');
    const again = await fetchVerifiableList(t, letter.slug);
    expect(again.manifest.count).toBe(2);
    expect((await verify(again.manifestPath, again.listPath)).code).toBe(0);
  });

  it('when the list is fetched without a revision, then it is the current one and names its revision in a header', async () => {
    const letter = await letterWithSignatories(['Ada']);
    const manifest = (await request(t.app).get(`/letters/${letter.slug}/manifest.json`)).body as { revision: string };
    const response = await asBytes(request(t.app).get(`/letters/${letter.slug}/signatories.ndjson`)).expect(200).expect('content-type', 'application/x-ndjson; charset=utf-8');
    expect(response.headers['x-list-revision']).toBe(manifest.revision);
  });

  it('when the letter is a draft or unknown, then both answer 404', async () => {
    const draft = await buildLetter(t.ctx, { status: 'draft' });
    for (const slug of [draft.slug, 'no-such-letter']) {
      await request(t.app).get(`/letters/${slug}/manifest.json`).expect(404);
      await request(t.app).get(`/letters/${slug}/signatories.ndjson`).expect(404);
    }
  });
});

import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { appPerTest } from '../helpers/app.js';
import { endorseAndConfirm, endorseFields } from '../helpers/endorsements.js';
import { buildLetter, buildSignature, reloadLetter } from '../helpers/factories.js';
import { insertManySignatures } from '../helpers/bulk-signatures.js';
import { loginAs } from '../helpers/organisers.js';

const t = appPerTest();

describe('the dossier', () => {
  it('when a letter has endorsers and signatories, then its dossier holds the current text with its SHA-256, the approved endorsers and only the listed signatories, with no address, and print styles', async () => {
    const letter = await buildLetter(t.ctx, { title: 'Protect the commons', body: 'We, the undersigned, *ask* for the commons.' });
    const current = await reloadLetter(t.ctx, letter.slug);
    await buildSignature(t.ctx, letter, { name: 'Listed Person', title: 'Engineer', organisationText: 'Commons Lab', email: 'listed@commons.example', state: 'approved' });
    await buildSignature(t.ctx, letter, { name: 'Hidden Person', email: 'hidden@commons.example', state: 'approved', showPublic: false });
    await buildSignature(t.ctx, letter, { name: 'Pending Person', email: 'pending@commons.example', state: 'pending' });
    await buildSignature(t.ctx, letter, { name: 'Rejected Person', email: 'rejected@commons.example', state: 'rejected' });
    const approved = await endorseAndConfirm(t, letter.slug, endorseFields({ organisation: 'Commons Trust', statement: 'We endorse it.' }));
    await endorseAndConfirm(t, letter.slug, endorseFields({ organisation: 'Waiting Trust' }));
    const owner = await loginAs(t, 'owner');
    await owner.post(`/admin/letters/${letter.slug}/endorsements/moderate`, { ids: String(approved), action: 'approve' }).expect(303);

    const response = await request(t.app).get(`/letters/${letter.slug}/dossier`).expect(200).expect('content-type', /text\/html/);
    const html = response.text;
    const { sha256 } = (await request(t.app).get(`/api/letters/${letter.slug}`)).body.version;
    expect(html).toContain(`<code class="hash" id="version-sha256">${sha256}</code>`);
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(current.currentVersionId).toBeTruthy();
    expect(html).toContain('<em>ask</em> for the commons');
    expect(html).toContain('Commons Trust');
    expect(html).toContain('We endorse it.');
    expect(html).not.toContain('Waiting Trust');
    expect(html).toContain('<td>Listed Person</td><td>Engineer</td><td>Commons Lab</td>');
    for (const absent of ['Hidden Person', 'Pending Person', 'Rejected Person', '@commons.example', '@openrights.example', 'site-footer', 'site-header', '<nav', '<footer']) expect(html).not.toContain(absent);
    expect(html).toMatch(/Generated<\/dt><dd><time datetime="\d{4}-/);
    const stylesheet = html.match(/<link rel="stylesheet" href="([^"]+)">/)?.[1];
    const css = (await request(t.app).get(stylesheet!).expect(200)).text;
    expect(css).toContain('@media print');
    expect(css).toMatch(/break-before: page/);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('when a letter has more listed signatories than one page of the list, then the dossier holds every one of them once', async () => {
    const letter = await buildLetter(t.ctx);
    await insertManySignatures(t, letter, 2_345, '');
    const html = (await request(t.app).get(`/letters/${letter.slug}/dossier`).expect(200)).text;
    const names = [...html.matchAll(/<td>Signer number (\d+)<\/td>/g)].map((match) => Number(match[1]));
    expect(names).toHaveLength(2_345);
    expect(new Set(names).size).toBe(2_345);
  });

  it('when the letter is a draft or unknown, then there is no dossier; the admin page and the list link to it', async () => {
    const draft = await buildLetter(t.ctx, { status: 'draft' });
    await request(t.app).get(`/letters/${draft.slug}/dossier`).expect(404);
    await request(t.app).get('/letters/nothing-here/dossier').expect(404);
    const open = await buildLetter(t.ctx);
    expect((await request(t.app).get(`/letters/${open.slug}/signatories`)).text).toContain(`href="/letters/${open.slug}/dossier"`);
    const owner = await loginAs(t, 'owner');
    expect((await owner.agent.get(`/admin/letters/${open.slug}`)).text).toContain(`href="/letters/${open.slug}/dossier"`);
  });
});

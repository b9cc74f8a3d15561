import { describe, expect, it } from 'vitest';
import request from 'supertest';
import type { SignatureState } from '../../server/signatures/table.js';
import { appPerTest } from '../helpers/app.js';
import { buildLetter, buildSignature } from '../helpers/factories.js';

const t = appPerTest();

const HIDDEN_STATES: SignatureState[] = ['unconfirmed', 'pending', 'rejected', 'withdrawn'];

/** One signature per hidden kind with a unique name (featured too, where it could leak through the featured block), and one that must show. */
async function buildEveryKind(letter: Awaited<ReturnType<typeof buildLetter>>) {
  const hidden = (await Promise.all(HIDDEN_STATES.map((state) =>
    buildSignature(t.ctx, letter, { state, name: `Hidden ${state} Person`, organisationText: `Secret ${state} Org`, featured: state !== 'unconfirmed' && state !== 'withdrawn' }),
  )));
  hidden.push(await buildSignature(t.ctx, letter, { state: 'approved', showPublic: false, featured: true, name: 'Hidden Private Person', organisationText: 'Secret Private Org' }));
  const shown = await buildSignature(t.ctx, letter, { state: 'approved', name: 'Visible Public Person', organisationText: 'Open Org', email: 'visible.person@open-org.example' });
  return { hidden, shown };
}

const surfaces = (slug: string) => [
  `/letters/${slug}`,
  `/letters/${slug}/signatories`,
  `/letters/${slug}/signatories?q=Person`,
  `/letters/${slug}/signatories?q=Hidden`,
  `/letters/${slug}/signatories?organisation=secret%20private%20org`,
  `/letters/${slug}/signatories.csv`,
  `/api/letters/${slug}`,
  `/api/letters/${slug}/signatories`,
  `/api/letters/${slug}/signatories?q=Hidden`,
  `/letters/${slug}/embed`,
];

describe('who appears in public', () => {
  it('when a letter has rejected, pending, unconfirmed, withdrawn and non-public signatures, then none of them is named on any public page, feed or download', async () => {
    const letter = await buildLetter(t.ctx);
    const { hidden, shown } = await buildEveryKind(letter);
    for (const path of surfaces(letter.slug)) {
      const res = await request(t.app).get(path);
      expect(res.status, path).toBe(200);
      for (const signature of hidden) {
        expect(res.text, `${signature.state} on ${path}`).not.toContain(signature.name);
        expect(res.text, `${signature.state} on ${path}`).not.toContain(signature.organisationText);
      }
      expect(res.text, path).not.toContain(shown.email);
      expect(res.text, path).not.toContain('@open-org');
    }
  });

  it('when the same letter is shown, then the approved public signer is named everywhere a name is shown, and the non-public one is counted', async () => {
    const letter = await buildLetter(t.ctx);
    await buildEveryKind(letter);
    for (const path of surfaces(letter.slug).filter((p) => !p.includes('Hidden') && !p.includes('organisation=') && !p.endsWith('/embed') && p !== `/api/letters/${letter.slug}`)) {
      expect((await request(t.app).get(path)).text, path).toContain('Visible Public Person');
    }
    // Counted: the pending, the private approved and the public approved signer; listed: only the last.
    const page = await request(t.app).get(`/letters/${letter.slug}`);
    expect(page.text).toMatch(/<strong>3<\/strong> people have signed/);
    expect(page.text).toContain('1 of the 3 signatories are listed by name');
    const api = await request(t.app).get(`/api/letters/${letter.slug}`);
    expect(api.body.counts).toEqual({ signatures: 3, listed: 1 });
    expect((await request(t.app).get(`/letters/${letter.slug}/embed`)).text).toMatch(/<strong>3<\/strong> people have signed/);
  });

  it('when a letter is a draft, then its list, feed, download and embed do not exist', async () => {
    const letter = await buildLetter(t.ctx, { status: 'draft' });
    await buildSignature(t.ctx, letter, { state: 'approved', name: 'Draft Signer' });
    for (const path of surfaces(letter.slug)) {
      const res = await request(t.app).get(path);
      expect(res.status, path).toBe(404);
      expect(res.text).not.toContain('Draft Signer');
    }
  });
});

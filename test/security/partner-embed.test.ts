import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { allPublicSignatories } from '../../server/signatures/listed-signatures.js';
import { appPerTest } from '../helpers/app.js';
import { buildLetter, signAndConfirm, signatureByEmail, signForm } from '../helpers/factories.js';
import { loginAs } from '../helpers/organisers.js';

const t = appPerTest();

const frameAncestors = (res: request.Response): string | undefined => /frame-ancestors ([^;]*)/.exec(String(res.headers['content-security-policy']))?.[1];

/** A letter with a partner `climate-net` whose two sites may frame its sign form. */
async function letterWithPartner() {
  const letter = await buildLetter(t.ctx, { moderation: 'post' });
  const owner = await loginAs(t, 'owner');
  await owner.post(`/admin/letters/${letter.slug}/partners`, { name: 'Climate Network', ref: 'climate-net', origins: 'https://climate.example\nhttps://blog.climate.example' }).expect(303);
  await owner.post(`/admin/letters/${letter.slug}/partners`, { name: 'Links Only', ref: 'links-only', origins: '' }).expect(303);
  return letter;
}

describe('the partner sign form embed', () => {
  it('when a registered partner’s ref is given, then only its sites may frame the form, and X-Frame-Options no longer forbids it', async () => {
    const letter = await letterWithPartner();
    const res = await request(t.app).get(`/letters/${letter.slug}/embed/sign?ref=climate-net`).expect(200);
    expect(frameAncestors(res)).toBe('https://climate.example https://blog.climate.example');
    expect(res.headers['x-frame-options']).toBeUndefined();
    expect(res.text).toContain(`action="/letters/${letter.slug}/embed/signatures"`);
    expect(res.text).toContain('<input type="hidden" name="ref" value="climate-net">');
    // Every other directive stays as strict as on any page.
    expect(String(res.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(String(res.headers['content-security-policy'])).not.toMatch(/unsafe|\*/);
  });

  it.each([
    ['no ref', ''],
    ['an unregistered ref', '?ref=someone-else'],
    ['a partner with no site', '?ref=links-only'],
    ['an invalid ref', '?ref=Climate%20Net'],
    ['a ref trying to add a source', '?ref=climate-net%20https://evil.example'],
  ])('when the form is asked for with %s, then no site may frame it', async (_case, query) => {
    const letter = await letterWithPartner();
    const res = await request(t.app).get(`/letters/${letter.slug}/embed/sign${query}`).expect(200);
    expect(frameAncestors(res)).toBe("'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('when the partner is another letter’s, then its sites may not frame this letter’s form', async () => {
    await letterWithPartner();
    const other = await buildLetter(t.ctx);
    expect(frameAncestors(await request(t.app).get(`/letters/${other.slug}/embed/sign?ref=climate-net`).expect(200))).toBe("'none'");
  });

  it('when the framed form is sent from the site’s own origin, then the signature records the ref and the check-your-email view may be framed by the partner too', async () => {
    const letter = await letterWithPartner();
    const res = await request(t.app)
      .post(`/letters/${letter.slug}/embed/signatures`)
      .set('Origin', t.config.baseUrl)
      .set('Sec-Fetch-Site', 'same-origin')
      .type('form')
      .send(signForm({ email: 'framed@example.org', ref: 'climate-net' }))
      .expect(303);
    expect(res.headers.location).toBe(`/letters/${letter.slug}/embed/check-your-email?ref=climate-net`);
    expect((await signatureByEmail(t.ctx, 'framed@example.org'))?.source).toBe('climate-net');
    const done = await request(t.app).get(res.headers.location!).expect(200);
    expect(done.text).toContain('Check your email');
    expect(frameAncestors(done)).toBe('https://climate.example https://blog.climate.example');
  });

  it('when the framed form comes back with errors, then it is shown again in the frame, framable by the partner, with the ref kept', async () => {
    const letter = await letterWithPartner();
    const res = await request(t.app).post(`/letters/${letter.slug}/embed/signatures`).type('form').send(signForm({ email: 'not an address', ref: 'climate-net' })).expect(422);
    expect(res.text).toContain('Enter an email address in the correct format');
    expect(res.text).toContain('<input type="hidden" name="ref" value="climate-net">');
    expect(frameAncestors(res)).toBe('https://climate.example https://blog.climate.example');
  });

  it.each([
    ['a partner’s site', { Origin: 'https://climate.example', 'Sec-Fetch-Site': 'cross-site' }],
    ['a partner’s site, without Fetch metadata', { Origin: 'https://climate.example' }],
    ['another site', { Origin: 'https://evil.example' }],
  ])('when the form is posted from %s, then it is refused with a 403 and nothing is stored', async (_case, headers) => {
    const letter = await letterWithPartner();
    const res = await request(t.app).post(`/letters/${letter.slug}/embed/signatures`).set(headers).type('form').send(signForm({ email: 'forged@example.org', ref: 'climate-net' })).expect(403);
    expect(res.text).toContain('This form can only be sent from this site');
    expect(await signatureByEmail(t.ctx, 'forged@example.org')).toBeUndefined();
  });

  it('when the honeypot is filled in the embedded form, then the answer is the same and nothing is stored', async () => {
    const letter = await letterWithPartner();
    const res = await request(t.app).post(`/letters/${letter.slug}/embed/signatures`).type('form').send(signForm({ email: 'bot@example.org', ref: 'climate-net', website: 'spam' })).expect(303);
    expect(res.headers.location).toContain('/embed/check-your-email');
    expect(await signatureByEmail(t.ctx, 'bot@example.org')).toBeUndefined();
  });

  it('when a signature came through a ref, then the public page, list, API and CSV never show it', async () => {
    const letter = await letterWithPartner();
    await signAndConfirm(t, letter.slug, { name: 'Partner Signer', email: 'p@example.org', ref: 'climate-net' });
    const app = request(t.app);
    for (const path of [`/letters/${letter.slug}`, `/letters/${letter.slug}/signatories`, `/letters/${letter.slug}/signatories.csv`, `/api/letters/${letter.slug}`, `/api/letters/${letter.slug}/signatories`, `/letters/${letter.slug}/embed`]) {
      const res = await app.get(path).expect(200);
      expect(res.text, path).not.toContain('climate-net');
    }
    expect((await app.get(`/letters/${letter.slug}/signatories`)).text).toContain('Partner Signer');
    const listed = [];
    for await (const signatory of allPublicSignatories(t.ctx.db, { letterId: letter.id })) listed.push(signatory);
    expect(Object.keys(listed[0] ?? {})).not.toContain('source');
  });

  it('when the counter embed is given a ref, then its links to the letter carry it; an invalid ref is left out', async () => {
    const letter = await letterWithPartner();
    const withRef = await request(t.app).get(`/letters/${letter.slug}/embed?ref=climate-net`).expect(200);
    expect(withRef.text).toContain(`/letters/${letter.slug}?ref=climate-net#sign-heading`);
    const invalid = await request(t.app).get(`/letters/${letter.slug}/embed?ref=%22%3E%3Cscript%3E`).expect(200);
    expect(invalid.text).not.toContain('?ref=');
    expect(invalid.text).not.toContain('<script>');
  });

  it('when the letter page is opened with an invalid or hostile ref, then it answers 200 with no ref field', async () => {
    const letter = await buildLetter(t.ctx);
    for (const ref of ['%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'UPPER', 'a'.repeat(41), '']) {
      const res = await request(t.app).get(`/letters/${letter.slug}?ref=${ref}`).expect(200);
      expect(res.text, ref).not.toContain('name="ref"');
      expect(res.text, ref).not.toContain('<script>alert');
    }
  });
});

import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { createOrganisation } from '../../server/organisations/create-organisation.js';
import { appPerTest } from '../helpers/app.js';
import { buildLetter, buildSignature } from '../helpers/factories.js';
import { insertManySignatures } from '../helpers/bulk-signatures.js';

const t = appPerTest();

describe('the JSON API', () => {
  it('when a letter is read, then its title, status, counts, breakdown and current version hash come with open CORS, a short public cache and an ETag', async () => {
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { state: 'approved', organisationText: 'Acme' });
    await buildSignature(t.ctx, letter, { state: 'pending' });
    const res = await request(t.app).get(`/api/letters/${letter.slug}`).set('Origin', 'https://news.example').expect(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['cache-control']).toBe('public, max-age=30');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({
      slug: letter.slug,
      title: letter.title,
      status: 'open',
      counts: { signatures: 2, listed: 1 },
      organisations: { total: 1, top: [{ name: 'Acme', listed: 1 }] },
      version: { number: 1, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    const etag = res.headers.etag as string;
    expect(etag).toBeTruthy();
    await request(t.app).get(`/api/letters/${letter.slug}`).set('If-None-Match', etag).expect(304);
    await buildSignature(t.ctx, letter, { state: 'approved' });
    await request(t.app).get(`/api/letters/${letter.slug}`).set('If-None-Match', etag).expect(200);
  });

  it('when a browser asks before a cross-origin request, then GET is allowed from anywhere', async () => {
    const letter = await buildLetter(t.ctx);
    const res = await request(t.app).options(`/api/letters/${letter.slug}/signatories`).set('Origin', 'https://news.example').set('Access-Control-Request-Method', 'GET');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD');
  });

  it('when the letter does not exist, then a JSON 404 that other sites can still read', async () => {
    const res = await request(t.app).get('/api/letters/no-such-letter/signatories').expect(404);
    expect(res.body.error.id).toBe('not_found');
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('when signatories are listed, then each has name, role, organisation, verified domain and date, and nothing else', async () => {
    const letter = await buildLetter(t.ctx);
    const nvidia = await createOrganisation(t.ctx, { name: 'NVIDIA', domains: ['nvidia.com'], actor: SYSTEM_ACTOR });
    await buildSignature(t.ctx, letter, { state: 'approved', name: 'Grace', email: 'grace@research.nvidia.com', organisationText: 'nvidia corp', organisationId: nvidia.id, affiliationVerified: true, featured: true });
    const res = await request(t.app).get(`/api/letters/${letter.slug}/signatories`).expect(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const grace = { name: 'Grace', title: 'Engineer', organisation: 'NVIDIA', verifiedAffiliation: { domain: 'nvidia.com' }, signedAt: t.clock.now().toISOString() };
    expect(res.body).toMatchObject({ featured: [grace], signatories: [grace], nextCursor: null, next: null });
    expect(JSON.stringify(res.body)).not.toMatch(/@|research\.nvidia/);
  });
});

describe('the embeddable counter', () => {
  it('when the embed is loaded, then any site may frame it and it shows the count and a link to sign', async () => {
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { state: 'approved' });
    const res = await request(t.app).get(`/letters/${letter.slug}/embed`).expect(200);
    expect(res.headers['x-frame-options']).toBeUndefined();
    expect(res.headers['content-security-policy']).toContain('frame-ancestors *');
    expect(res.headers['content-security-policy']).not.toContain("frame-ancestors 'none'");
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.text).toMatch(/<strong>1<\/strong> person has signed/);
    expect(res.text).toContain(`href="${t.config.baseUrl}/letters/${letter.slug}#sign-heading" target="_blank" rel="noopener"`);
    expect(res.text).not.toContain('<form');
  });

  it('when any other page is loaded, then no site may frame it', async () => {
    const letter = await buildLetter(t.ctx);
    for (const path of ['/', `/letters/${letter.slug}`, `/letters/${letter.slug}/signatories`, `/api/letters/${letter.slug}`, `/letters/${letter.slug}/embed/extra`, '/no-such-page']) {
      const res = await request(t.app).get(path);
      expect(res.headers['x-frame-options'], path).toBe('DENY');
      expect(res.headers['content-security-policy'], path).toContain("frame-ancestors 'none'");
    }
  });

  it('when the letter is closed, then the embed says so and links to read it instead of to sign', async () => {
    const letter = await buildLetter(t.ctx, { status: 'closed' });
    const res = await request(t.app).get(`/letters/${letter.slug}/embed`).expect(200);
    expect(res.text).toContain('Read the letter');
    expect(res.text).not.toContain('Sign the letter');
  });
});

describe('the CSV download', () => {
  it('when a journalist downloads the list, then it holds what the list shows, with formulas defused and no email address', async () => {
    const letter = await buildLetter(t.ctx);
    const names = ['=HYPERLINK("http://evil")', '+SUM(A1)', '-2+3', '@cmd', '\tTabbed', 'Zoë "Quotes", Comma'];
    for (const name of names) await buildSignature(t.ctx, letter, { state: 'approved', name, organisationText: 'Acme, Inc.' });
    await buildSignature(t.ctx, letter, { state: 'pending', name: 'Not Yet Approved' });
    const res = await request(t.app).get(`/letters/${letter.slug}/signatories.csv`).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${letter.slug}-signatories.csv"`);
    expect(res.text.charCodeAt(0)).toBe(0xfeff);
    const rows = parse(res.text, { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(rows.map((row) => row.Name).sort()).toEqual(["'+SUM(A1)", "'-2+3", "'=HYPERLINK(\"http://evil\")", "'@cmd", "'\tTabbed", 'Zoë "Quotes", Comma'].sort());
    expect(Object.keys(rows[0]!)).toEqual(['Name', 'Role', 'Organisation', 'Verified affiliation', 'Signed']);
    expect(rows[0]).toMatchObject({ Organisation: 'Acme, Inc.', Signed: '2026-11-01' });
    expect(res.text).not.toContain('Not Yet Approved');
    expect(res.text).not.toContain('@example.org');
  });

  it('when the list is longer than one read, then every listed signatory is in the file once', async () => {
    const letter = await buildLetter(t.ctx);
    await insertManySignatures(t, letter, 1234, '');
    const res = await request(t.app).get(`/letters/${letter.slug}/signatories.csv`).expect(200);
    const rows = parse(res.text, { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(1234);
    expect(new Set(rows.map((row) => row.Name)).size).toBe(1234);
  });
});

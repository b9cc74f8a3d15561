import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { listPublicSignatories, SEARCH_WINDOW } from '../../server/signatures/listed-signatures.js';
import { appPerTest } from '../helpers/app.js';
import { insertManySignatures } from '../helpers/bulk-signatures.js';
import { buildLetter, buildSignature } from '../helpers/factories.js';

const t = appPerTest();

describe('paging the public list', () => {
  it('when new signatures are approved between pages, then paging still returns every earlier approved signature exactly once', async () => {
    const letter = await buildLetter(t.ctx);
    const before = [];
    for (let i = 0; i < 57; i += 1) before.push(await buildSignature(t.ctx, letter, { state: i % 5 === 0 ? 'pending' : 'approved', name: `Early ${i}` }));
    const expected = before.filter((s) => s.state === 'approved').map((s) => s.name);
    const seen: string[] = [];
    let next: string | null = `/api/letters/${letter.slug}/signatories?limit=7`;
    let pages = 0;
    while (next) {
      const url: URL = new URL(next, 'http://127.0.0.1');
      const body = (await request(t.app).get(url.pathname + url.search).expect(200)).body as { signatories: Array<{ name: string }>; next: string | null };
      seen.push(...body.signatories.map((s) => s.name));
      // Someone signs and is approved while the reader is between pages; an earlier one is approved late.
      await buildSignature(t.ctx, letter, { state: 'approved', name: `Late ${pages}` });
      next = body.next;
      pages += 1;
    }
    const early = seen.filter((name) => name.startsWith('Early'));
    expect(new Set(seen).size).toBe(seen.length);
    expect(early.sort()).toEqual([...expected].sort());
    expect(pages).toBe(Math.ceil(expected.length / 7));
  });

  it('when the HTML list has more than a page, then the "Older signatories" link leads to the rest, with the search kept', async () => {
    const letter = await buildLetter(t.ctx);
    for (let i = 0; i < 105; i += 1) await buildSignature(t.ctx, letter, { state: 'approved', name: `Signer Number ${String(i).padStart(3, '0')}` });
    const first = await request(t.app).get(`/letters/${letter.slug}/signatories?q=Number`).expect(200);
    const href = first.text.match(/<a href="([^"]+)" rel="next">Older signatories<\/a>/)?.[1]?.replace(/&amp;/g, '&');
    expect(href).toMatch(/\?q=Number&cursor=\d+$/);
    const second = await request(t.app).get(href!).expect(200);
    expect(second.text).toContain('Signer Number 000');
    expect(second.text).not.toContain('Signer Number 104');
    expect(second.text).not.toContain('rel="next"');
    expect(second.text).toContain('<meta name="robots" content="noindex">');
  });

  it('when the cursor or limit is malformed, then 400 rather than a page', async () => {
    const letter = await buildLetter(t.ctx);
    for (const query of ['cursor=abc', 'cursor=-3', 'limit=0', 'limit=5000', 'cursor=1.5']) {
      expect((await request(t.app).get(`/letters/${letter.slug}/signatories?${query}`)).status, query).toBe(400);
      const api = await request(t.app).get(`/api/letters/${letter.slug}/signatories?${query}`);
      expect(api.status, query).toBe(400);
      expect(api.body.error.id).toBe('invalid_query');
    }
  });
});

describe('searching a long list', () => {
  it('when a search is paged with a small window, then each request examines at most the window and every match still comes once', async () => {
    const letter = await buildLetter(t.ctx);
    const matches = new Set<string>();
    for (let i = 0; i < 60; i += 1) {
      const name = i % 7 === 0 ? `Needle ${i}` : `Hay ${i}`;
      if (name.startsWith('Needle')) matches.add(name);
      await buildSignature(t.ctx, letter, { state: 'approved', name });
    }
    const seen: string[] = [];
    let cursor: number | undefined;
    let requests = 0;
    do {
      const page = await listPublicSignatories(t.ctx.db, { letterId: letter.id, q: 'needle', cursor, limit: 3, searchWindow: 10 });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((s) => s.name));
      cursor = page.nextCursor ?? undefined;
      requests += 1;
    } while (cursor !== undefined && requests < 100);
    expect(seen.sort()).toEqual([...matches].sort());
    expect(requests).toBeGreaterThanOrEqual(6);
  });

  // 20,000 rows: on PostgreSQL each row's count triggers rewrite the letter's row, about 20 s on a loaded machine.
  it('when the HTML search stops at its window, then the page says so and offers to search older signatories', { timeout: 90_000 }, async () => {
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { state: 'approved', name: 'Old Needle', email: 'old-needle@example.org' });
    // A window's worth of newer signatures in batched statements (the factory would take a minute).
    await insertManySignatures(t, letter, SEARCH_WINDOW, '');
    const first = await request(t.app).get(`/letters/${letter.slug}/signatories?q=needle`).expect(200);
    expect(first.text).not.toContain('Old Needle');
    const href = first.text.match(/<a href="([^"]+)" rel="next">Search older signatories<\/a>/)?.[1]?.replace(/&amp;/g, '&');
    expect(href).toBeDefined();
    expect((await request(t.app).get(href!).expect(200)).text).toContain('Old Needle');
  });
});

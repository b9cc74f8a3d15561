import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { DEMO_LETTER } from '../../server/letters/demo-letter.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildLetter, buildSignature } from '../helpers/factories.js';

/** The letter page, its stylesheet and its scripts, without images, must stay under this. */
const BUDGET_BYTES = 50 * 1024;

let t: TestApp;
let html: string;
let assetUrls: string[];

beforeAll(async () => {
  t = await buildTestApp();
  const letter = await buildLetter(t.ctx, { ...DEMO_LETTER, slug: 'budget' });
  for (let i = 0; i < 25; i += 1) await buildSignature(t.ctx, letter, { state: 'approved' });
  html = (await request(t.app).get('/letters/budget').expect(200)).text;
  assetUrls = [...html.matchAll(/<(?:link rel="stylesheet"|script) (?:href|src)="([^"]+)"/g)].map((match) => match[1] ?? '');
});
afterAll(() => t.close());

describe('the letter page budget', () => {
  it('when the letter page is loaded, then its HTML, CSS and scripts add up to less than 50 KB', async () => {
    expect(assetUrls.some((url) => url.endsWith('.css'))).toBe(true);
    expect(assetUrls.filter((url) => url.endsWith('.js')).length).toBeGreaterThan(0);
    let total = Buffer.byteLength(html);
    for (const url of assetUrls) {
      const asset = await request(t.app).get(url).expect(200);
      total += Number(asset.headers['content-length']);
    }
    expect(total).toBeLessThan(BUDGET_BYTES);
  });

  it('when a stylesheet or script is served, then its name carries a content hash and it may be cached for a year', async () => {
    for (const url of assetUrls) {
      expect(url).toMatch(/^\/assets\/[\w-]+\.[0-9a-f]{10}\.(css|js)$/);
      const asset = await request(t.app).get(url).expect(200);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(asset.headers.etag).toMatch(/^"[0-9a-f]{10}"$/);
      expect(asset.headers['content-type']).toMatch(url.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
    }
  });

  it('when the browser revalidates with the ETag it has, then the answer is 304 without a body', async () => {
    for (const url of assetUrls) {
      const { headers } = await request(t.app).get(url).expect(200);
      const again = await request(t.app).get(url).set('If-None-Match', headers.etag as string);
      expect(again.status).toBe(304);
      expect(again.text ?? '').toBe('');
    }
  });

  it('when an asset is asked for under an old or made-up hash, then it is not found rather than served stale', async () => {
    const css = assetUrls.find((url) => url.endsWith('.css')) ?? '';
    await request(t.app).get(css.replace(/\.[0-9a-f]{10}\./, '.0000000000.')).expect(404);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { visitPublicSite, type Visit } from '../helpers/public-site.js';

let t: TestApp;
let visits: Visit[];
beforeAll(async () => ({ t, visits } = await visitPublicSite()));
afterAll(() => t.close());

describe('X-Content-Type-Options and Content-Type', () => {
  it('when anything is served, then browsers are told not to sniff, and the type names its charset', () => {
    for (const { label, res } of visits) {
      expect(res.headers['x-content-type-options'], label).toBe('nosniff');
      if (res.text) expect(res.headers['content-type'], label).toMatch(/^(text\/html|text\/css|text\/plain|application\/json); charset=utf-8$/);
    }
  });
});

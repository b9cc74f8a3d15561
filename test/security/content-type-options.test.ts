import { describe, expect, it } from 'vitest';
import { visitPublicSiteOnce } from '../helpers/public-site.js';

const visits = visitPublicSiteOnce();

describe('X-Content-Type-Options and Content-Type', () => {
  it('when anything is served, then browsers are told not to sniff, and the type names its charset', () => {
    for (const { label, res } of visits()) {
      expect(res.headers['x-content-type-options'], label).toBe('nosniff');
      if (res.text) expect(res.headers['content-type'], label).toMatch(/^(text\/html|text\/css|text\/plain|application\/json); charset=utf-8$/);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { visitPublicSiteOnce } from '../helpers/public-site.js';

const visits = visitPublicSiteOnce();

describe('server identification', () => {
  it('when anything is served, then no header names the framework or server software', () => {
    for (const { label, res } of visits()) {
      expect(res.headers['x-powered-by'], label).toBeUndefined();
      expect(res.headers.server, label).toBeUndefined();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { visitPublicSiteOnce, type Visit } from '../helpers/public-site.js';

const visits = visitPublicSiteOnce();

const isTokenPage = (visit: Visit): boolean => /\/signatures\/(confirm|withdraw)\//.test(visit.path);

describe('Referrer-Policy', () => {
  it('when a page is served, then other sites are not told which page a visitor came from', () => {
    for (const visit of visits().filter((v) => !isTokenPage(v))) {
      expect(visit.res.headers['referrer-policy'], visit.label).toBe('same-origin');
    }
  });

  it('when a page is reached through a confirm or withdraw link, then no Referer is sent at all and nothing is cached, whatever the outcome', () => {
    const tokenPages = visits().filter(isTokenPage);
    expect(tokenPages.map((visit) => visit.res.status)).toEqual(expect.arrayContaining([200, 404, 410, 429]));
    for (const visit of tokenPages) {
      expect(visit.res.headers['referrer-policy'], visit.label).toBe('no-referrer');
      expect(visit.res.headers['cache-control'], visit.label).toBe('no-store');
    }
  });
});

import { describe, expect, it } from 'vitest';
import { htmlVisits, visitPublicSiteOnce } from '../helpers/public-site.js';

const visits = visitPublicSiteOnce();

/** The directives of a Content-Security-Policy header, by name. */
function directives(header: unknown): Map<string, string[]> {
  const entries = String(header ?? '')
    .split(';')
    .map((part) => part.trim().split(/\s+/))
    .filter(([name]) => name);
  return new Map(entries.map(([name = '', ...values]) => [name, values]));
}

describe('Content-Security-Policy', () => {
  it('when any public response is sent, then it carries a CSP without unsafe-inline or unsafe-eval', () => {
    for (const { label, res } of visits()) {
      const csp = String(res.headers['content-security-policy'] ?? '');
      expect(csp, label).not.toBe('');
      expect(csp, label).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|\*/);
    }
  });

  it('when a page is served, then scripts, styles and everything else come from this site only, and plugins and <base> are off', () => {
    for (const { label, res } of htmlVisits(visits())) {
      const csp = directives(res.headers['content-security-policy']);
      expect(csp.get('default-src'), label).toEqual(["'self'"]);
      expect(csp.get('script-src'), label).toEqual(["'self'"]);
      expect(csp.get('style-src'), label).toEqual(["'self'"]);
      expect(csp.get('object-src'), label).toEqual(["'none'"]);
      expect(csp.get('base-uri'), label).toEqual(["'none'"]);
      expect(csp.get('form-action'), label).toEqual(["'self'"]);
    }
  });

  it('when a page is served, then no other site may frame it (clickjacking on the sign and confirm buttons)', () => {
    for (const { label, res } of visits()) {
      expect(directives(res.headers['content-security-policy']).get('frame-ancestors'), label).toEqual(["'none'"]);
      expect(res.headers['x-frame-options'], label).toBe('DENY');
    }
  });

  it('when a page is rendered, then it has no inline script, inline style or event-handler attribute the CSP would block', () => {
    for (const { label, res } of htmlVisits(visits())) {
      expect(res.text, label).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
      expect(res.text, label).not.toMatch(/<style[\s>]/i);
      expect(res.text, label).not.toMatch(/\sstyle\s*=/i);
      expect(res.text, label).not.toMatch(/\son[a-z]+\s*=/i);
      expect(res.text, label).not.toMatch(/href\s*=\s*["']?\s*javascript:/i);
    }
  });
});

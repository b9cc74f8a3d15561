import { describe, expect, it } from 'vitest';
import { visitPublicSiteOnce } from '../helpers/public-site.js';

const visits = visitPublicSiteOnce({ SIGN_MIN_SECONDS: '3' });

describe('cookies in the public flow', () => {
  it('when a signer reads, signs, confirms, withdraws or is refused, then no cookie is ever set (bot checks use a signed form field instead)', () => {
    expect(visits().length).toBeGreaterThan(20);
    for (const { label, res } of visits()) expect(res.headers['set-cookie'], label).toBeUndefined();
  });
});

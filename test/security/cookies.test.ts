import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { visitPublicSite, type Visit } from '../helpers/public-site.js';

let t: TestApp;
let visits: Visit[];
beforeAll(async () => ({ t, visits } = await visitPublicSite({ SIGN_MIN_SECONDS: '3' })));
afterAll(() => t.close());

describe('cookies in the public flow', () => {
  it('when a signer reads, signs, confirms, withdraws or is refused, then no cookie is ever set (bot checks use a signed form field instead)', () => {
    expect(visits.length).toBeGreaterThan(20);
    for (const { label, res } of visits) expect(res.headers['set-cookie'], label).toBeUndefined();
  });
});

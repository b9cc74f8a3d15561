import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { visitPublicSite, type Visit } from '../helpers/public-site.js';

let t: TestApp;
let visits: Visit[];
beforeAll(async () => ({ t, visits } = await visitPublicSite()));
afterAll(() => t.close());

describe('server identification', () => {
  it('when anything is served, then no header names the framework or server software', () => {
    for (const { label, res } of visits) {
      expect(res.headers['x-powered-by'], label).toBeUndefined();
      expect(res.headers.server, label).toBeUndefined();
    }
  });
});

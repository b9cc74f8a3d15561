import { afterEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
afterEach(() => t.close());

const production = { NODE_ENV: 'production', BASE_URL: 'https://letters.example', SMTP_URL: 'smtp://127.0.0.1:2525', SESSION_SECRET: 'a-production-secret-of-at-least-32-characters' };

describe('Strict-Transport-Security', () => {
  it('when running in production, then every response tells browsers to use HTTPS for two years, subdomains included', async () => {
    t = await buildTestApp({ env: production });
    for (const path of ['/', '/no/such/page', '/healthz']) {
      const res = await request(t.app).get(path);
      expect(res.headers['strict-transport-security'], path).toBe('max-age=63072000; includeSubDomains');
    }
    expect((await request(t.app).get('/')).headers['content-security-policy']).toContain('upgrade-insecure-requests');
  });

  it('when not in production, then no HSTS is sent (it would pin localhost to HTTPS in the developer\'s browser)', async () => {
    t = await buildTestApp();
    const res = await request(t.app).get('/');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
  });
});

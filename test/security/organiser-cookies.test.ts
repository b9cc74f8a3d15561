import { first } from '../../server/db/database.js';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { sessions } from '../../server/db/schema.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildLetter } from '../helpers/factories.js';
import { createOrganiser, loginAs, TEST_PASSWORD } from '../helpers/organisers.js';
import { fillPath, listRoutes } from '../helpers/routes.js';

let t: TestApp;
afterEach(() => t.close());

const setCookies = (res: request.Response): string[] => {
  const header = res.headers['set-cookie'] as unknown;
  return Array.isArray(header) ? (header as string[]) : [];
};

/** A Set-Cookie line as name, value and attributes (names lower-cased). */
function parseSetCookie(line: string): { name: string; value: string; attributes: Map<string, string> } {
  const [pair = '', ...parts] = line.split(';').map((part) => part.trim());
  const separator = pair.indexOf('=');
  const attributes = new Map(parts.map((part) => {
    const [key = '', ...rest] = part.split('=');
    return [key.toLowerCase(), rest.join('=')] as [string, string];
  }));
  return { name: pair.slice(0, separator), value: pair.slice(separator + 1), attributes };
}

const PRODUCTION = { NODE_ENV: 'production', SMTP_URL: 'smtp://127.0.0.1:2525', SESSION_SECRET: 's'.repeat(40), BASE_URL: 'https://letters.example' };

describe('the session cookie', () => {
  it.each([
    ['development', {}, 'undersigned_session', 'undersigned_device', false],
    ['production', PRODUCTION, '__Host-undersigned_session', '__Host-undersigned_device', true],
  ] as const)('when an organiser signs in and out in %s, then the cookie is HttpOnly, SameSite=Lax, Path=/, host-only, lives no longer than a session, and is cleared with the same attributes', { timeout: 30_000 }, async (_env, env, name, deviceName, secure) => {
    t = await buildTestApp({ env });
    const organiser = await createOrganiser(t, 'viewer');
    const signedIn = await request(t.app).post('/admin/login').type('form').send({ email: organiser.email, password: TEST_PASSWORD }).expect(303);
    const lines = setCookies(signedIn);
    // Beside the session, the device cookie that keeps this browser's way in (device-cookies.ts).
    expect(lines.map((line) => parseSetCookie(line).name).sort()).toEqual([deviceName, name].sort());
    const cookie = parseSetCookie(lines.find((line) => line.startsWith(`${name}=`)) ?? '');
    expect(cookie.name).toBe(name);
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie.attributes.has('httponly')).toBe(true);
    expect(cookie.attributes.get('samesite')).toBe('Lax');
    expect(cookie.attributes.get('path')).toBe('/');
    expect(cookie.attributes.has('domain')).toBe(false);
    expect(cookie.attributes.has('secure')).toBe(secure);
    expect(Number(cookie.attributes.get('max-age'))).toBe(t.config.sessionMaxHours * 3600);

    const csrf = (await first(t.ctx.db.select({ token: sessions.csrfToken }).from(sessions).where(eq(sessions.organiserId, organiser.id))))?.token ?? '';
    const signedOut = await request(t.app).post('/admin/logout').set('Cookie', `${name}=${cookie.value}`).type('form').send({ _csrf: csrf }).expect(303);
    const cleared = parseSetCookie(setCookies(signedOut)[0] ?? '');
    // A browser ignores a clearing cookie whose name, path or Secure flag differ from the one it holds.
    expect(cleared.name).toBe(name);
    expect(cleared.value).toBe('');
    expect(new Date(cleared.attributes.get('expires') ?? '').getTime()).toBeLessThan(Date.now());
    expect(cleared.attributes.get('path')).toBe('/');
    expect(cleared.attributes.has('secure')).toBe(secure);
    expect(cleared.attributes.has('httponly')).toBe(true);
  });

  it('when a signed-in organiser reads the public site, then no public page sets or refreshes a cookie', async () => {
    t = await buildTestApp();
    const letter = await buildLetter(t.ctx);
    const owner = await loginAs(t, 'owner');
    const publicPages = listRoutes(t.app).filter((route) => route.method === 'GET' && !route.path.startsWith('/admin'));
    expect(publicPages.length).toBeGreaterThanOrEqual(8);
    for (const route of publicPages) {
      const path = fillPath(route.path, { slug: letter.slug, token: 'A'.repeat(43) });
      const res = await owner.agent.get(path);
      expect(res.status, path).toBeLessThan(500);
      expect(res.headers['set-cookie'], path).toBeUndefined();
    }
    const signed = await owner.agent.post(`/letters/${letter.slug}/signatures`).type('form').send({ name: 'Organiser Signing', email: 'organiser@example.org' });
    expect(signed.status).toBe(303);
    expect(signed.headers['set-cookie']).toBeUndefined();
  });

  it('when the session cookie is sent with a public request, then it is not needed: the public pages look the same without it', async () => {
    t = await buildTestApp();
    const letter = await buildLetter(t.ctx);
    const owner = await loginAs(t, 'owner');
    const withSession = await owner.agent.get(`/letters/${letter.slug}`);
    const without = await request(t.app).get(`/letters/${letter.slug}`);
    expect(withSession.text.replace(/name="stamp" value="[^"]*"/, '')).toBe(without.text.replace(/name="stamp" value="[^"]*"/, ''));
    expect(withSession.headers['cache-control']).toBe(without.headers['cache-control']);
  });
});

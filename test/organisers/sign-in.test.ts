import { createHash } from 'node:crypto';
import pino from 'pino';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createOrganiser, loginAs, TEST_PASSWORD } from '../helpers/organisers.js';
import { sqlRows } from '../helpers/database.js';

let t: TestApp;
afterEach(() => t.close());

const MINUTE = 60_000;
const setCookies = (res: request.Response): string[] => {
  const header = res.headers['set-cookie'] as unknown;
  return Array.isArray(header) ? (header as string[]) : typeof header === 'string' ? [header] : [];
};
const cookieValue = (res: request.Response, name: string): string | undefined =>
  setCookies(res).map((cookie) => cookie.split(';')[0] ?? '').find((pair) => pair.startsWith(`${name}=`))?.slice(name.length + 1);
const postLogin = (app: TestApp['app'], email: string, password: string) => request(app).post('/admin/login').type('form').send({ email, password });
const postLoginFrom = (app: TestApp['app'], ip: string, email: string, password: string) =>
  request(app).post('/admin/login').set('X-Forwarded-For', ip).type('form').send({ email, password });
/** The one session's stored last-seen time in ms (an integer on SQLite, a timestamp on PostgreSQL). */
const lastSeenAt = async (): Promise<number> => new Date((await sqlRows<{ last_seen_at: number | string | Date }>(t, 'SELECT last_seen_at FROM sessions'))[0]!.last_seen_at).getTime();
const sessionRows = async () => (await sqlRows<{ id_hash: string; csrf_token: string }>(t, 'SELECT id_hash, csrf_token FROM sessions'));

describe('signing in', () => {
  it('when the password is right, then a session cookie is set HttpOnly, SameSite=Lax, not Secure outside production, and only its hash is stored', async () => {
    t = await buildTestApp();
    const organiser = await createOrganiser(t, 'viewer');
    const res = await postLogin(t.app, organiser.email, TEST_PASSWORD);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin');
    const cookie = setCookies(res).find((line) => line.startsWith('undersigned_session='));
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    const token = cookieValue(res, 'undersigned_session') ?? '';
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
    const rows = await sessionRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.id_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('when the email is typed with capitals and spaces, then it still signs in', async () => {
    t = await buildTestApp();
    const organiser = await createOrganiser(t, 'viewer');
    expect((await postLogin(t.app, `  ${organiser.email.toUpperCase()} `, TEST_PASSWORD)).status).toBe(303);
  });

  it('when the email is unknown or the password wrong, then the answer is the same: 401, the same page, no cookie', async () => {
    t = await buildTestApp();
    const organiser = await createOrganiser(t, 'owner');
    const unknown = await postLogin(t.app, 'nobody@organisers.example', TEST_PASSWORD);
    const wrong = await postLogin(t.app, organiser.email, 'not the right password');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(unknown.status);
    expect(setCookies(unknown)).toEqual([]);
    expect(setCookies(wrong)).toEqual([]);
    expect(wrong.text.replace(organiser.email, 'EMAIL')).toBe(unknown.text.replace('nobody@organisers.example', 'EMAIL'));
    expect(unknown.text).toContain('The email address or password is not right');
  });

  it('when production, then the cookie is __Host- prefixed and Secure', async () => {
    t = await buildTestApp({ env: { NODE_ENV: 'production', SMTP_URL: 'smtp://127.0.0.1:2525', SESSION_SECRET: 'x'.repeat(40), BASE_URL: 'https://letters.example' } });
    const organiser = await createOrganiser(t, 'viewer');
    const res = await postLogin(t.app, organiser.email, TEST_PASSWORD);
    expect(res.status).toBe(303);
    const cookie = setCookies(res).find((line) => line.startsWith('__Host-undersigned_session='));
    expect(cookie).toMatch(/; Path=\/(;|$)/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).not.toMatch(/Domain=/i);
  });

  it('when someone signs in again with an old session cookie, then the old session ends and a new id is issued', async () => {
    t = await buildTestApp();
    const organiser = await createOrganiser(t, 'viewer');
    const first = cookieValue(await postLogin(t.app, organiser.email, TEST_PASSWORD), 'undersigned_session');
    const second = await request(t.app).post('/admin/login').set('Cookie', `undersigned_session=${first}`).type('form').send({ email: organiser.email, password: TEST_PASSWORD });
    const renewed = cookieValue(second, 'undersigned_session');
    expect(renewed).toBeDefined();
    expect(renewed).not.toBe(first);
    expect(await sessionRows()).toHaveLength(1);
    expect((await request(t.app).get('/admin').set('Cookie', `undersigned_session=${first}`)).status).toBe(303);
    expect((await request(t.app).get('/admin').set('Cookie', `undersigned_session=${renewed}`)).status).toBe(200);
  });

  it('when a safe "next" is given, then sign-in returns there; an outside address is ignored', async () => {
    t = await buildTestApp();
    const organiser = await createOrganiser(t, 'viewer');
    const send = (next: string) => request(t.app).post('/admin/login').type('form').send({ email: organiser.email, password: TEST_PASSWORD, next });
    expect((await send('/admin/letters')).headers.location).toBe('/admin/letters');
    for (const next of ['https://evil.example/admin', '//evil.example/admin', '/letters/x', '/admin\\@evil.example']) {
      expect((await send(next)).headers.location).toBe('/admin');
    }
  });

  it('when not signed in, then an organiser page redirects to sign-in and back', async () => {
    t = await buildTestApp();
    const res = await request(t.app).get('/admin/letters?x=1');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/login?next=%2Fadmin%2Fletters%3Fx%3D1');
    const page = await request(t.app).get(res.headers.location as string);
    expect(page.status).toBe(200);
    expect(page.text).toContain('value="/admin/letters?x=1"');
    expect(page.headers['cache-control']).toBe('no-store');
  });

  it('when a login form is posted from another site, then it is refused', async () => {
    t = await buildTestApp();
    const organiser = await createOrganiser(t, 'viewer');
    const res = await request(t.app).post('/admin/login').set('Sec-Fetch-Site', 'cross-site').type('form').send({ email: organiser.email, password: TEST_PASSWORD });
    expect(res.status).toBe(403);
    expect(await sessionRows()).toHaveLength(0);
  });
});

describe('logs', () => {
  it('when an organiser signs in and works, then neither the password nor the session id is ever logged', async () => {
    const lines: string[] = [];
    t = await buildTestApp({ logger: pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) }) });
    const organiser = await createOrganiser(t, 'owner');
    await postLogin(t.app, organiser.email, 'a wrong password of some length').expect(401);
    const res = await postLogin(t.app, organiser.email, TEST_PASSWORD).expect(303);
    const token = cookieValue(res, 'undersigned_session') ?? '';
    await request(t.app).get('/admin?x=1').set('Cookie', `undersigned_session=${token}`).expect(200);
    const logged = lines.join('');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const secret of [TEST_PASSWORD, 'a wrong password of some length', token]) expect(logged).not.toContain(secret);
  });
});

describe('signing out', () => {
  it('when an organiser signs out, then the session row is deleted and the cookie cleared', async () => {
    t = await buildTestApp();
    const { agent, csrfToken } = await loginAs(t, 'viewer');
    const res = await agent.post('/admin/logout').type('form').send({ _csrf: csrfToken });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/login');
    expect(setCookies(res).some((line) => /^undersigned_session=;/.test(line))).toBe(true);
    expect(await sessionRows()).toHaveLength(0);
    expect((await agent.get('/admin')).status).toBe(303);
  });

  it('when the sign-out form has no CSRF token, then 403 and the session lives on', async () => {
    t = await buildTestApp();
    const { agent } = await loginAs(t, 'viewer');
    expect((await agent.post('/admin/logout').type('form').send({})).status).toBe(403);
    expect(await sessionRows()).toHaveLength(1);
  });
});

describe('session expiry', () => {
  it('when idle for 30 minutes, then the session ends; activity before that keeps it alive', async () => {
    t = await buildTestApp();
    const { agent } = await loginAs(t, 'viewer');
    t.clock.advance(29 * MINUTE);
    expect((await agent.get('/admin')).status).toBe(200);
    t.clock.advance(29 * MINUTE);
    expect((await agent.get('/admin')).status).toBe(200);
    t.clock.advance(30 * MINUTE);
    const res = await agent.get('/admin');
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/admin\/login/);
    expect(await sessionRows()).toHaveLength(0);
  });

  it('when two requests come within a minute, then only the first writes the last-seen time; a later one writes it again', async () => {
    t = await buildTestApp();
    const { agent } = await loginAs(t, 'viewer');
    const signedInAt = t.clock.now().getTime();
    t.clock.advance(MINUTE);
    expect((await agent.get('/admin')).status).toBe(200);
    expect(await lastSeenAt()).toBe(signedInAt + MINUTE);
    t.clock.advance(59_000);
    expect((await agent.get('/admin')).status).toBe(200);
    expect(await lastSeenAt()).toBe(signedInAt + MINUTE);
    t.clock.advance(1_000);
    expect((await agent.get('/admin')).status).toBe(200);
    expect(await lastSeenAt()).toBe(signedInAt + 2 * MINUTE);
  });

  it('when a request within the minute left last-seen unwritten, then the session ends 30 minutes after the written one: under a minute early, never late', async () => {
    t = await buildTestApp();
    const { agent } = await loginAs(t, 'viewer');
    t.clock.advance(29 * MINUTE);
    expect((await agent.get('/admin')).status).toBe(200);
    t.clock.advance(30_000);
    expect((await agent.get('/admin')).status).toBe(200);
    t.clock.advance(29 * MINUTE + 30_000);
    const res = await agent.get('/admin');
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/admin\/login/);
    expect(await sessionRows()).toHaveLength(0);
  });

  it('when the idle limit is a minute, then last-seen is written every two seconds, so the session lives a minute after the last request but two seconds', async () => {
    t = await buildTestApp({ env: { SESSION_IDLE_MINUTES: '1' } });
    const { agent } = await loginAs(t, 'viewer');
    t.clock.advance(2_000);
    expect((await agent.get('/admin')).status).toBe(200);
    t.clock.advance(1_000);
    expect((await agent.get('/admin')).status).toBe(200);
    t.clock.advance(MINUTE - 3_000);
    expect((await agent.get('/admin')).status).toBe(200);
  });

  it('when 12 hours have passed since sign-in, then the session ends however active it was', async () => {
    t = await buildTestApp();
    const { agent } = await loginAs(t, 'viewer');
    for (let elapsed = 0; elapsed < 12 * 60 - 20; elapsed += 20) {
      t.clock.advance(20 * MINUTE);
      expect((await agent.get('/admin')).status).toBe(200);
    }
    t.clock.advance(20 * MINUTE);
    expect((await agent.get('/admin')).status).toBe(303);
  });

  it('when the limits are configured, then they apply', async () => {
    t = await buildTestApp({ env: { SESSION_IDLE_MINUTES: '5' } });
    const { agent } = await loginAs(t, 'viewer');
    t.clock.advance(5 * MINUTE);
    expect((await agent.get('/admin')).status).toBe(303);
  });
});

describe('sign-in throttling', () => {
  it('when one account has 5 failures in 15 minutes, then even the right password gets 429 with Retry-After until the window passes', async () => {
    t = await buildTestApp();
    const organiser = await createOrganiser(t, 'owner');
    for (let i = 0; i < 5; i += 1) {
      expect((await postLogin(t.app, organiser.email, `wrong password ${i}`)).status).toBe(401);
      t.clock.advance(MINUTE);
    }
    // Failures at minutes 0–4, now minute 5: the first one leaves the 15-minute window in 10 minutes.
    const throttled = await postLogin(t.app, organiser.email, TEST_PASSWORD);
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBe(10 * 60);
    expect(throttled.text).toContain('Too many attempts');
    t.clock.advance(10 * MINUTE - 1000);
    expect((await postLogin(t.app, organiser.email, TEST_PASSWORD)).status).toBe(429);
    t.clock.advance(1000);
    expect((await postLogin(t.app, organiser.email, TEST_PASSWORD)).status).toBe(303);
  });

  it('when an unknown email is tried 5 times, then it is throttled exactly like a real one', async () => {
    t = await buildTestApp();
    for (let i = 0; i < 5; i += 1) await postLogin(t.app, 'ghost@organisers.example', 'wrong password').expect(401);
    const res = await postLogin(t.app, 'ghost@organisers.example', 'wrong password');
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe(String(15 * 60));
  });

  it('when one address fails across many accounts, then it is throttled per IP too', async () => {
    t = await buildTestApp({ env: { LOGIN_LIMIT_PER_IP: '3' } });
    const organiser = await createOrganiser(t, 'viewer');
    for (let i = 0; i < 3; i += 1) await postLogin(t.app, `someone${i}@organisers.example`, 'wrong password').expect(401);
    const res = await postLogin(t.app, organiser.email, TEST_PASSWORD);
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('when a sign-in succeeds, then earlier failures of that account are forgotten', async () => {
    t = await buildTestApp();
    const organiser = await createOrganiser(t, 'viewer');
    for (let i = 0; i < 4; i += 1) await postLogin(t.app, organiser.email, 'wrong password').expect(401);
    await postLogin(t.app, organiser.email, TEST_PASSWORD).expect(303);
    for (let i = 0; i < 4; i += 1) await postLogin(t.app, organiser.email, 'wrong password').expect(401);
    await postLogin(t.app, organiser.email, TEST_PASSWORD).expect(303);
  });

  it('when an outsider fails 5 times at an account, then the outsider is throttled but the owner, from their own address with the right password, still signs in', async () => {
    t = await buildTestApp({ env: { TRUST_PROXY: 'true' } });
    const organiser = await createOrganiser(t, 'owner');
    for (let i = 0; i < 5; i += 1) await postLoginFrom(t.app, '203.0.113.66', organiser.email, `guess ${i}`).expect(401);
    await postLoginFrom(t.app, '203.0.113.66', organiser.email, TEST_PASSWORD).expect(429);
    await postLoginFrom(t.app, '198.51.100.7', organiser.email, TEST_PASSWORD).expect(303);
  });

  it('when a guessing run at one account comes from many addresses, then past the all-addresses limit new addresses are slowed, while the owner\'s usual address still gets in', async () => {
    t = await buildTestApp({ env: { TRUST_PROXY: 'true', LOGIN_LIMIT_PER_ACCOUNT_ALL_SOURCES: '10' } });
    const organiser = await createOrganiser(t, 'owner');
    await postLoginFrom(t.app, '198.51.100.7', organiser.email, TEST_PASSWORD).expect(303);
    const statuses: number[] = [];
    for (let i = 0; i < 14; i += 1) statuses.push((await postLoginFrom(t.app, `203.0.113.${i + 1}`, organiser.email, 'a stuffed password')).status);
    expect(statuses).toEqual([...Array(10).fill(401), ...Array(4).fill(429)]);
    await postLoginFrom(t.app, '192.0.2.200', organiser.email, TEST_PASSWORD).expect(429);
    await postLoginFrom(t.app, '198.51.100.7', organiser.email, TEST_PASSWORD).expect(303);

    const madeUp: number[] = [];
    for (let i = 0; i < 14; i += 1) madeUp.push((await postLoginFrom(t.app, `203.0.113.${i + 101}`, 'made-up@organisers.example', 'a stuffed password')).status);
    expect(madeUp).toEqual(statuses);
  });

  it('when the limit is 0, then there is no throttle', async () => {
    t = await buildTestApp({ env: { LOGIN_LIMIT_PER_ACCOUNT: '0', LOGIN_LIMIT_PER_IP: '0', LOGIN_LIMIT_PER_ACCOUNT_ALL_SOURCES: '0' } });
    for (let i = 0; i < 8; i += 1) await postLogin(t.app, 'ghost@organisers.example', 'wrong password').expect(401);
  });
});

import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { organisers } from '../../server/db/schema.js';
import { hashPassword } from '../../server/organisers/passwords.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createOrganiser, TEST_PASSWORD } from '../helpers/organisers.js';

let t: TestApp | undefined;
let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await t?.close();
  t = server = undefined;
});

interface Answer {
  status: number;
  body: string;
  setCookies: string[];
}

/** The app listening on 127.0.0.1, so sign-ins can come from other loopback addresses (127.0.3.x): other clients. */
async function listeningApp(env: Record<string, string> = {}): Promise<{ app: TestApp; port: number }> {
  const app = (t = await buildTestApp({ env }));
  server = await new Promise<Server>((resolve) => {
    const listening = app.app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return { app, port: (server.address() as AddressInfo).port };
}

function signInFrom(port: number, from: string, fields: { email: string; password: string }, cookie?: string): Promise<Answer> {
  const body = new URLSearchParams(fields).toString();
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)), ...(cookie ? { cookie } : {}) };
    const req = httpRequest({ host: '127.0.0.1', port, path: '/admin/login', method: 'POST', localAddress: from, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, setCookies: res.headers['set-cookie'] ?? [] }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `name=value` of the device cookie an answer set. */
const deviceCookieOf = (answer: Answer): string => {
  const pair = answer.setCookies.map((line) => line.split(';')[0] ?? '').find((cookie) => cookie.startsWith('undersigned_device='));
  if (!pair) throw new Error(`no device cookie in ${JSON.stringify(answer.setCookies)}`);
  return pair;
};

/** An account whose hash costs what a real one does, so guesses at it keep the hashing queue full. */
async function slowAccount(app: TestApp): Promise<string> {
  const decoy = await createOrganiser(app, 'viewer');
  const passwordHash = await hashPassword(TEST_PASSWORD, { logN: 15, r: 8, p: 1 });
  await app.ctx.db.write(async (tx) => (await tx.update(organisers).set({ passwordHash }).where(eq(organisers.id, decoy.id))));
  return decoy.email;
}

const BUSY = 'Many people are signing in right now';

describe('device cookies at sign-in', () => {
  it('when thirty addresses flood the sign-in with wrong passwords, then the owner with the device cookie of an earlier sign-in gets in every time, and without it is turned away as before', async () => {
    const { app, port } = await listeningApp({ LOGIN_LIMIT_PER_ACCOUNT_ALL_SOURCES: '0' });
    const owner = await createOrganiser(app, 'owner');
    const target = await slowAccount(app);
    const first = await signInFrom(port, '127.0.0.1', { email: owner.email, password: TEST_PASSWORD });
    expect(first.status).toBe(303);
    let device = deviceCookieOf(first);

    let flooding = true;
    const floodAnswers: number[] = [];
    let saturated!: () => void;
    const full = new Promise<void>((resolve) => (saturated = resolve));
    const attackers = Array.from({ length: 30 }, async (_, i) => {
      while (flooding) {
        const answer = await signInFrom(port, `127.0.3.${10 + i}`, { email: target, password: `wrong password ${Math.random()}` });
        floodAnswers.push(answer.status);
        if (answer.status === 429 && answer.body.includes(BUSY)) saturated();
      }
    });
    await full;

    const withCookie: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const answer = await signInFrom(port, '127.0.0.1', { email: owner.email, password: TEST_PASSWORD }, device);
      withCookie.push(answer.status);
      if (answer.status === 303) device = deviceCookieOf(answer);
    }
    const without: Answer[] = [];
    for (let i = 0; i < 3; i += 1) without.push(await signInFrom(port, '127.0.0.1', { email: owner.email, password: TEST_PASSWORD }));
    flooding = false;
    await Promise.all(attackers);

    expect(withCookie).toEqual([303, 303, 303, 303, 303]);
    expect(without.some((answer) => answer.status === 429 && answer.body.includes(BUSY))).toBe(true);
    expect(floodAnswers.every((status) => status === 401 || status === 429)).toBe(true);
  }, 60_000);

  it('when guesses from the owner\u2019s own address (a shared connection) have it throttled, then the owner\u2019s device cookie still gets them in, and a device cookie of another account does not', async () => {
    const { app, port } = await listeningApp({ LOGIN_LIMIT_PER_IP: '3' });
    const owner = await createOrganiser(app, 'owner');
    const colleague = await createOrganiser(app, 'viewer');
    const shared = '127.0.4.1';
    const ownerDevice = deviceCookieOf(await signInFrom(port, shared, { email: owner.email, password: TEST_PASSWORD }));
    const colleagueDevice = deviceCookieOf(await signInFrom(port, shared, { email: colleague.email, password: TEST_PASSWORD }));
    for (let i = 0; i < 3; i += 1) expect((await signInFrom(port, shared, { email: `guess${i}@organisers.example`, password: 'wrong password' })).status).toBe(401);

    expect((await signInFrom(port, shared, { email: owner.email, password: TEST_PASSWORD })).status).toBe(429);
    expect((await signInFrom(port, shared, { email: owner.email, password: TEST_PASSWORD }, colleagueDevice)).status).toBe(429);
    expect((await signInFrom(port, shared, { email: owner.email, password: TEST_PASSWORD }, `undersigned_device=${'A'.repeat(22)}.1.${'B'.repeat(43)}`)).status).toBe(429);
    expect((await signInFrom(port, shared, { email: owner.email, password: TEST_PASSWORD }, ownerDevice)).status).toBe(303);
  });

  it('when wrong passwords keep coming with a device cookie, then after the per-account limit the cookie counts for nothing and its attempts are throttled like anyone\u2019s', async () => {
    const { app, port } = await listeningApp({ LOGIN_LIMIT_PER_ACCOUNT: '3', LOGIN_LIMIT_PER_IP: '0' });
    const owner = await createOrganiser(app, 'owner');
    const device = deviceCookieOf(await signInFrom(port, '127.0.4.2', { email: owner.email, password: TEST_PASSWORD }));
    // A stolen cookie used to guess from elsewhere: its own failures lock it.
    for (let i = 0; i < 3; i += 1) expect((await signInFrom(port, '127.0.4.3', { email: owner.email, password: `guess ${i}` }, device)).status).toBe(401);
    for (let i = 0; i < 3; i += 1) expect((await signInFrom(port, '127.0.4.3', { email: owner.email, password: `more ${i}` })).status).toBe(401);
    expect((await signInFrom(port, '127.0.4.3', { email: owner.email, password: TEST_PASSWORD }, device)).status).toBe(429);
  });

  it('when one address sends six sign-ins at once, then it holds at most two places in the hashing queue and the others are answered 429 at once', async () => {
    const { app, port } = await listeningApp({ LOGIN_LIMIT_PER_IP: '0', LOGIN_LIMIT_PER_ACCOUNT: '0', LOGIN_LIMIT_PER_ACCOUNT_ALL_SOURCES: '0' });
    const target = await slowAccount(app);
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => signInFrom(port, '127.0.5.1', { email: target, password: `guess ${i}` })));
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([401, 401, 429, 429, 429, 429]);
    expect(answers.filter((answer) => answer.status === 429).every((answer) => answer.body.includes(BUSY))).toBe(true);
  });

  it('when an organiser signs in, then a device cookie is set for a year, HttpOnly, SameSite=Lax; a refused sign-in sets none, and with a device cookie an unknown account and a wrong password are still answered alike', async () => {
    const { app, port } = await listeningApp();
    const owner = await createOrganiser(app, 'owner');
    const signedIn = await signInFrom(port, '127.0.0.1', { email: owner.email, password: TEST_PASSWORD });
    const line = signedIn.setCookies.find((cookie) => cookie.startsWith('undersigned_device='));
    expect(line).toMatch(/; Max-Age=31536000;/);
    expect(line).toMatch(/; Path=\//);
    expect(line).toMatch(/; HttpOnly/);
    expect(line).toMatch(/; SameSite=Lax/);
    const device = deviceCookieOf(signedIn);

    const wrong = await signInFrom(port, '127.0.0.1', { email: owner.email, password: 'not the right password' }, device);
    const unknown = await signInFrom(port, '127.0.0.1', { email: 'nobody@organisers.example', password: 'not the right password' }, device);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.setCookies).toEqual([]);
    expect(unknown.setCookies).toEqual([]);
    expect(wrong.body.replace(owner.email, 'EMAIL')).toBe(unknown.body.replace('nobody@organisers.example', 'EMAIL'));
  });

  it('when in production, then the device cookie is __Host- prefixed and Secure', async () => {
    const { app, port } = await listeningApp({ NODE_ENV: 'production', SMTP_URL: 'smtp://127.0.0.1:2525', SESSION_SECRET: 'x'.repeat(40), BASE_URL: 'http://127.0.0.1' });
    const owner = await createOrganiser(app, 'owner');
    const signedIn = await signInFrom(port, '127.0.0.1', { email: owner.email, password: TEST_PASSWORD });
    expect(signedIn.status).toBe(303);
    const line = signedIn.setCookies.find((cookie) => cookie.startsWith('__Host-undersigned_device='));
    expect(line).toMatch(/; Secure/);
    expect(line).toMatch(/; Path=\/(;|$)/);
  });
});

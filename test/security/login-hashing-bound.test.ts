import type * as crypto from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { organisers } from '../../server/db/schema.js';
import { DEFAULT_HASHING } from '../../server/organisers/hashing-queue.js';
import { hashPassword } from '../../server/organisers/passwords.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildLetter } from '../helpers/factories.js';
import { createOrganiser, TEST_PASSWORD } from '../helpers/organisers.js';

/** Counts scrypt runs in flight by wrapping Node's own scrypt: how this file sees the work without a stopwatch. */
const hashing = vi.hoisted(() => ({ running: 0, most: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof crypto>();
  const scrypt = (...args: unknown[]) => {
    const done = args.pop() as (...result: unknown[]) => void;
    hashing.running += 1;
    hashing.most = Math.max(hashing.most, hashing.running);
    return (actual.scrypt as (...rest: unknown[]) => void)(...args, (...result: unknown[]) => {
      hashing.running -= 1;
      done(...result);
    });
  };
  return { ...actual, default: { ...actual, scrypt }, scrypt };
});

let t: TestApp;
let server: Server;
let base: string;
beforeAll(async () => {
  t = await buildTestApp({ env: { LOGIN_LIMIT_PER_ACCOUNT: '0', LOGIN_LIMIT_PER_IP: '0', LOGIN_LIMIT_PER_ACCOUNT_ALL_SOURCES: '0' } });
  server = await new Promise((resolve) => {
    const listening = t.app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

describe('password hashing under a burst of sign-ins', () => {
  it('when twenty sign-ins arrive at once, then only a few hashes run at a time, the excess is answered 429 at once, and pages and assets are served meanwhile', async () => {
    const organiser = await createOrganiser(t, 'owner');
    // A real account's cost (2^16 here, to keep the suite light): the unbounded burst ran four at once.
    await t.ctx.db.write(async (tx) => (await tx.update(organisers).set({ passwordHash: await hashPassword(TEST_PASSWORD, { logN: 16, r: 8, p: 1 }) }).where(eq(organisers.id, organiser.id))));
    const letter = await buildLetter(t.ctx);
    const page = await fetch(`${base}/letters/${letter.slug}`);
    const asset = (await page.text()).match(/href="(\/assets\/[^"]+\.css)"/)?.[1];
    expect(asset).toBeDefined();
    hashing.most = 0;

    const attempts = Array.from({ length: 20 }, (_, i) =>
      fetch(`${base}/admin/login`, { method: 'POST', body: new URLSearchParams({ email: organiser.email, password: `guess ${i}` }), redirect: 'manual' }),
    );
    const during = [fetch(`${base}${asset}`), fetch(`${base}/letters/${letter.slug}`)];
    const answers = await Promise.all(attempts);
    const [assetAnswer, pageAnswer] = await Promise.all(during);

    const statuses = answers.map((res) => res.status);
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
    const busy = answers.filter((res) => res.status === 429);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy.every((res) => Number(res.headers.get('retry-after')) > 0)).toBe(true);
    expect(await busy[0]?.text()).toContain('Many people are signing in right now');
    expect(hashing.most).toBeLessThanOrEqual(DEFAULT_HASHING.running);
    expect(assetAnswer?.status).toBe(200);
    expect(pageAnswer?.status).toBe(200);
  });

  it('when the burst is over, then the right password signs in as before', async () => {
    const organiser = await createOrganiser(t, 'viewer');
    const res = await fetch(`${base}/admin/login`, { method: 'POST', body: new URLSearchParams({ email: organiser.email, password: TEST_PASSWORD }), redirect: 'manual' });
    expect(res.status).toBe(303);
  });
});

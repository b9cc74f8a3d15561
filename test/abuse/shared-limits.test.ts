import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { rateCounters, signatures } from '../../server/db/schema.js';
import { startScheduledJobs } from '../../server/jobs/index.js';
import { buildTestApp, databaseEnv, type TestApp } from '../helpers/app.js';
import { TestClock } from '../helpers/clock.js';
import { buildLetter, signForm } from '../helpers/factories.js';
import { createOrganiser, TEST_PASSWORD } from '../helpers/organisers.js';

/*
 * Two apps on one database stand for two processes behind one reverse proxy: each has its own
 * memory, so a limit they both keep can only be counted in the database.
 */
let apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.map((app) => app.close()));
  apps = [];
});

async function twoApps(env: Record<string, string>): Promise<[TestApp, TestApp]> {
  const clock = new TestClock();
  const a = await buildTestApp({ env: { TRUST_PROXY: '1', ...env }, clock });
  apps.push(a);
  const b = await buildTestApp({ env: { TRUST_PROXY: '1', ...env, ...databaseEnv(a.config) }, clock });
  apps.push(b);
  return [a, b];
}

const signFrom = (app: TestApp, slug: string, ip: string, email: string) =>
  request(app.app).post(`/letters/${slug}/signatures`).set('X-Forwarded-For', ip).type('form').send(signForm({ email }));
const badToken = (n: number) => `${'B'.repeat(42)}${'ABCDEFGHIJ'[n % 10]}`;
const loginFrom = (app: TestApp, ip: string, email: string, password: string) =>
  request(app.app).post('/admin/login').set('X-Forwarded-For', ip).type('form').send({ email, password });

describe('limits shared by the processes on one database', () => {
  it('when one address signs through two processes in turn, then together they allow SIGN_LIMIT_PER_MINUTE, not twice it', async () => {
    const [a, b] = await twoApps({ SIGN_LIMIT_PER_MINUTE: '3' });
    const letter = await buildLetter(a.ctx);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await signFrom(i % 2 === 0 ? a : b, letter.slug, '198.51.100.9', `turn${i}@example.org`)).status);
    expect(statuses).toEqual([303, 303, 303, 429, 429, 429]);
    expect(await a.ctx.db.$count(signatures)).toBe(3);
  });

  it('when many signatures from one address arrive at once through both processes, then exactly the limit is let through', async () => {
    const [a, b] = await twoApps({ SIGN_LIMIT_PER_MINUTE: '3' });
    const letter = await buildLetter(a.ctx);
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => signFrom(i % 2 === 0 ? a : b, letter.slug, '198.51.100.10', `rush${i}@example.org`)));
    expect(answers.filter((res) => res.status === 303)).toHaveLength(3);
    expect(answers.filter((res) => res.status === 429)).toHaveLength(9);
    expect(await a.ctx.db.$count(signatures)).toBe(3);
  });

  it('when an address guesses links through both processes, then TOKEN_LIMIT_PER_HOUR counts the guesses of both', async () => {
    const [a, b] = await twoApps({ TOKEN_LIMIT_PER_HOUR: '2' });
    await request(a.app).post(`/signatures/confirm/${badToken(0)}`).set('X-Forwarded-For', '203.0.113.5').expect(404);
    await request(b.app).post(`/signatures/confirm/${badToken(1)}`).set('X-Forwarded-For', '203.0.113.5').expect(404);
    await request(a.app).post(`/signatures/confirm/${badToken(2)}`).set('X-Forwarded-For', '203.0.113.5').expect(429);
    await request(b.app).get(`/signatures/withdraw/${badToken(3)}`).set('X-Forwarded-For', '203.0.113.5').expect(429);
  });

  it('when sign-ins to one account fail through both processes, then the per-account limit counts them all, on both, until its window ends', async () => {
    const [a, b] = await twoApps({ LOGIN_LIMIT_PER_ACCOUNT: '4' });
    const organiser = await createOrganiser(a, 'owner');
    for (let i = 0; i < 4; i += 1) await loginFrom(i % 2 === 0 ? a : b, '192.0.2.44', organiser.email, 'wrong password').expect(401);
    await loginFrom(a, '192.0.2.44', organiser.email, TEST_PASSWORD).expect(429);
    await loginFrom(b, '192.0.2.44', organiser.email, TEST_PASSWORD).expect(429);
    a.clock.advance(15 * 60_000);
    await loginFrom(b, '192.0.2.44', organiser.email, TEST_PASSWORD).expect(303);
  });

  it('when counters are stored, then their keys give away neither the client address nor the email', async () => {
    const [a, b] = await twoApps({ SIGN_LIMIT_PER_MINUTE: '3', TOKEN_LIMIT_PER_HOUR: '2' });
    const letter = await buildLetter(a.ctx);
    await signFrom(a, letter.slug, '198.51.100.77', 'someone@example.org').expect(303);
    await request(b.app).post(`/signatures/confirm/${badToken(0)}`).set('X-Forwarded-For', '198.51.100.77').expect(404);
    await loginFrom(b, '198.51.100.77', 'organiser.secret@example.org', 'wrong password').expect(401);
    const keys = (await a.ctx.db.select({ key: rateCounters.key }).from(rateCounters)).map((row) => row.key);
    expect(keys.length).toBeGreaterThanOrEqual(5);
    for (const key of keys) {
      // The window's name, then a keyed hash of whom it counts.
      expect(key).toMatch(/^[a-z-]+:[0-9a-f]{32}$/);
      for (const secret of ['198.51.100', 'someone', 'example.org', 'organiser.secret']) expect(key).not.toContain(secret);
    }
  });

  it('when windows have ended, then the scheduled jobs delete their rows and keep those still running', async () => {
    const [a] = await twoApps({ LOGIN_LIMIT_WINDOW_MINUTES: '15' });
    await loginFrom(a, '192.0.2.45', 'nobody@example.org', 'wrong password').expect(401);
    const jobs = startScheduledJobs(a.ctx, 0);
    const stored = () => a.ctx.db.$count(rateCounters);
    a.clock.advance(14 * 60_000);
    await jobs.runOnce();
    expect(await stored()).toBe(3);
    a.clock.advance(60_000);
    await jobs.runOnce();
    expect(await stored()).toBe(0);
  });
});

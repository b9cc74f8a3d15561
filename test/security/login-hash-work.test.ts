import type * as crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { createOrganiser, TEST_PASSWORD } from '../helpers/organisers.js';
import { rawSitePerFile } from '../helpers/raw-http.js';

/**
 * Counts the scrypt runs behind each sign-in answer. The spy wraps Node's own scrypt and changes
 * nothing it does: it is how this file sees the work, where a stopwatch would be flaky.
 */
const scryptRuns = vi.hoisted(() => ({ calls: [] as Array<{ keyLength: number; options: unknown }> }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof crypto>();
  const scrypt = (...args: Parameters<typeof actual.scrypt>) => {
    const [, , keyLength, options] = args;
    scryptRuns.calls.push({ keyLength, options: typeof options === 'function' ? undefined : { ...options } });
    return (actual.scrypt as (...rest: unknown[]) => void)(...args);
  };
  return { ...actual, default: { ...actual, scrypt }, scrypt };
});

const { t, client } = rawSitePerFile({ env: { LOGIN_LIMIT_PER_ACCOUNT: '0', LOGIN_LIMIT_PER_IP: '0', LOGIN_LIMIT_PER_ACCOUNT_ALL_SOURCES: '0' } });
let known: string;

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const signIn = (email: string, password: string) =>
  client.send('POST', '/admin/login', { headers: FORM, body: new URLSearchParams({ email, password }).toString() });

/** The scrypt runs one sign-in attempt causes, and its status. */
async function workOf(email: string, password: string): Promise<{ status: number; runs: typeof scryptRuns.calls }> {
  scryptRuns.calls.length = 0;
  const res = await signIn(email, password);
  return { status: res.status, runs: [...scryptRuns.calls] };
}

describe('the scrypt work behind a sign-in answer', () => {
  // Runs first in this file on purpose: the dummy hash for unknown emails is made once per process.
  it('when the first attempt after start is for an unknown email, then it costs one scrypt run at the cost of a real account, as a wrong password does', async () => {
    known = (await createOrganiser(t, 'owner')).email;
    const accountRun = scryptRuns.calls.at(-1);
    const unknown = await workOf('first-unknown@organisers.example', TEST_PASSWORD);
    const wrong = await workOf(known, 'not the right password');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.runs).toHaveLength(1);
    expect(unknown.runs).toEqual(wrong.runs);
    expect(unknown.runs[0]).toEqual(accountRun);
  });

  it('when unknown emails and wrong passwords alternate, then every attempt costs exactly one run with the same parameters', async () => {
    const attempts: Array<[string, string]> = [];
    for (let i = 0; i < 10; i += 1) {
      attempts.push([`unknown-${i}@organisers.example`, `guess number ${i}`], [known, `guess number ${i}`]);
    }
    // Passwords beyond the length limit are checked as an empty one: still one full run.
    attempts.push(['unknown-long@organisers.example', 'x'.repeat(2000)], [known, 'x'.repeat(2000)]);
    const reference = (await workOf(known, 'reference guess')).runs;
    expect(reference).toHaveLength(1);
    for (const [email, password] of attempts) {
      const work = await workOf(email, password);
      expect(work.status, email).toBe(401);
      expect(work.runs, email).toEqual(reference);
    }
  });

  it('when the right password is given, then the same one run signs in (the work does not tell a near miss either)', async () => {
    const work = await workOf(known, TEST_PASSWORD);
    expect(work.status).toBe(303);
    expect(work.runs).toHaveLength(1);
  });

  it('when a form is incomplete, then no scrypt runs at all for anyone (refused before the account is looked up)', async () => {
    for (const email of [known, 'nobody@organisers.example']) {
      const work = await workOf(email, '');
      expect(work.status).toBe(422);
      expect(work.runs).toEqual([]);
    }
  });
});

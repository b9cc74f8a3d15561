import fc from 'fast-check';
import { expect } from 'vitest';
import type { OrganiserRole } from '../../server/organisers/table.js';
import type { TestApp } from './app.js';
import { integrityCheck, snapshotTables } from './database.js';
import { encodedValue, encodeRaw, reflectsMarkup } from './hostile-input.js';
import { createOrganiser, newestCsrfToken, TEST_PASSWORD } from './organisers.js';
import type { RawClient, RawResponse } from './raw-http.js';

export const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' };

/** How many cases each property tries: a few seconds in CI; FUZZ_RUNS=5000 for a deeper search. */
export const fuzzRuns = (ciRuns: number): number => Number(process.env.FUZZ_RUNS ?? ciRuns);

/** A urlencoded body from values that are already encoded (so broken escapes get through as sent). */
export const encodedBody = (fields: Record<string, string | undefined>): string =>
  Object.entries(fields)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}=${value}`)
    .join('&');

/**
 * A valid form with a few fields replaced by hostile values or left out (now and then all of
 * them): so most cases get past the first check and reach the use case, the database and the
 * pages that show what was saved. `valid` is plain text; `hostile` overrides the default
 * hostile value of a field.
 */
export function mutatedForm(valid: Record<string, string>, hostile: Record<string, fc.Arbitrary<string>> = {}): fc.Arbitrary<Record<string, string | undefined>> {
  const names = Object.keys(valid);
  const base = Object.fromEntries(Object.entries(valid).map(([name, value]) => [name, encodeRaw(value)]));
  const valueFor = (name: string): fc.Arbitrary<string | undefined> => fc.oneof({ weight: 5, arbitrary: hostile[name] ?? encodedValue }, { weight: 1, arbitrary: fc.constant(undefined) });
  const chosen = fc.oneof({ weight: 3, arbitrary: fc.subarray(names, { minLength: 1, maxLength: Math.min(2, names.length) }) }, { weight: 1, arbitrary: fc.subarray(names) });
  return chosen.chain((fields) => fc.record(Object.fromEntries(fields.map((name) => [name, valueFor(name)])))).map((changes) => ({ ...base, ...changes }));
}

export interface RawSession {
  /** The Cookie header value. */
  cookie: string;
  csrfToken: string;
}

/** Signs an organiser of `role` in through the form over a raw client, for requests a URL-cleaning client would not send. */
export async function signInRaw(t: Pick<TestApp, 'ctx'>, client: RawClient, role: OrganiserRole): Promise<RawSession> {
  const organiser = await createOrganiser(t, role);
  const res = await client.send('POST', '/admin/login', { headers: FORM_HEADERS, body: new URLSearchParams({ email: organiser.email, password: TEST_PASSWORD }).toString() });
  const cookie = [res.headers['set-cookie'] ?? []].flat()[0]?.split(';')[0];
  const csrfToken = await newestCsrfToken(t, organiser.id);
  if (res.status !== 303 || !cookie || csrfToken === undefined) throw new Error(`raw sign-in as ${role} failed with ${res.status}`);
  return { cookie, csrfToken };
}

export interface FormFuzzCase<F> {
  t: Pick<TestApp, 'database'>;
  client: RawClient;
  /** Omit for a form used before signing in. */
  session?: RawSession;
  fields: fc.Arbitrary<F>;
  /** Where the form posts, for this case. */
  path: (form: F) => string;
  body: (form: F) => Record<string, string | undefined>;
  /** Every status the form may answer with; anything else (a 5xx above all) fails. */
  statuses: readonly number[];
  /** Tables the form may write to even when it refuses (the audit of a failed sign-in). */
  writesWhenRefused?: readonly string[];
  /** Called after a 303: check what was stored and the pages that show it. */
  afterAccepted?: (res: RawResponse, form: F) => Promise<void>;
}

/**
 * The property every organiser form must have: whatever is posted, no 5xx, nothing reflected
 * unescaped, a redirect only to this site, and nothing stored unless the form was accepted (303).
 * Ends with SQLite's integrity check.
 */
export async function fuzzForm<F>(fuzz: FormFuzzCase<F>, numRuns: number): Promise<void> {
  // A request with a session moves its last-seen time; without one, the sessions table must stay as it was too.
  const except = [...(fuzz.session ? ['sessions'] : []), ...(fuzz.writesWhenRefused ?? [])];
  await fc.assert(
    fc.asyncProperty(fuzz.fields, async (form) => {
      const before = await snapshotTables(fuzz.t, except);
      const body = encodedBody({ ...(fuzz.session ? { _csrf: fuzz.session.csrfToken } : {}), ...fuzz.body(form) });
      const headers = { ...FORM_HEADERS, ...(fuzz.session ? { cookie: fuzz.session.cookie } : {}) };
      const res = await fuzz.client.send('POST', fuzz.path(form), { headers, body });
      expect(fuzz.statuses).toContain(res.status);
      expect(reflectsMarkup(res.body)).toBe(false);
      if (res.status !== 303) {
        expect(await snapshotTables(fuzz.t, except)).toEqual(before);
        return;
      }
      expect(String(res.headers.location)).toMatch(/^\/(?![/\\])[^\s]*$/);
      await fuzz.afterAccepted?.(res, form);
    }),
    { numRuns },
  );
  expect(await integrityCheck(fuzz.t)).toBe('ok');
}

/** GETs a page with the session and checks that nothing on it was reflected unescaped. */
export async function expectSafePage(client: RawClient, session: RawSession, path: string): Promise<RawResponse> {
  const page = await client.send('GET', path, { headers: { cookie: session.cookie } });
  expect(page.status, path).toBeLessThan(500);
  expect(reflectsMarkup(page.body), path).toBe(false);
  return page;
}

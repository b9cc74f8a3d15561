import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import request from 'supertest';
import { buildTestApp, testEngine, type TestApp } from '../helpers/app.js';
import { buildLetter, signForm } from '../helpers/factories.js';
import { visitPublicSiteOnce } from '../helpers/public-site.js';

/** What an error body must never show: stack frames, source paths, error class names, SQL or the database. */
const LEAKS: Array<[string, RegExp]> = [
  ['a stack frame', /\bat [^\n]*\(?[^\s()]+:\d+:\d+\)?/],
  ['a source path', /node_modules|\/server\/|\.[jt]s:\d+|\/work\/|\/tmp\//],
  ['an error class', /\b(TypeError|RangeError|SyntaxError|ReferenceError|SqliteError|URIError)\b/],
  ['SQL', /\b(SELECT|INSERT INTO|DELETE FROM|CREATE TABLE|PRAGMA)\b|\bUPDATE \w+ SET\b|SQLITE_|sqlite/i],
  ['the database', /connection is not open|pool after calling end|\.db\b/],
];

function expectNoLeak(label: string, body: string): void {
  for (const [what, pattern] of LEAKS) expect(body, `${label} shows ${what}`).not.toMatch(pattern);
}

/** What each driver says when the database has been closed under it. */
const CLOSED_DATABASE = { sqlite: /connection is not open/, postgres: /pool after calling end/ } as const;

describe('client errors (4xx)', () => {
  const visits = visitPublicSiteOnce();

  it('when the public site refuses a request for any reason, then the body explains it plainly and shows nothing of the internals', () => {
    const refusals = visits().filter((visit) => visit.res.status >= 400);
    expect(new Set(refusals.map((visit) => visit.res.status))).toEqual(new Set([400, 403, 404, 409, 410, 413, 415, 422, 429]));
    for (const { label, res } of refusals) {
      expectNoLeak(label, res.text);
      expect(res.text.length, label).toBeGreaterThan(0);
    }
  });
});

describe('server errors (500)', () => {
  let t: TestApp;
  let logs = '';
  let slug: string;
  beforeAll(async () => {
    const stream = new Writable({ write: (chunk: Buffer, _encoding, done) => void ((logs += chunk.toString()), done()) });
    t = await buildTestApp({ logger: pino({ level: 'info' }, stream) });
    slug = (await buildLetter(t.ctx)).slug;
    // The database going away mid-flight is the most likely real 500: the driver throws with its own message.
    await t.database.close();
  });
  afterAll(() => t.close());

  it.each([
    ['the home page', () => request(t.app).get('/')],
    ['a letter', () => request(t.app).get(`/letters/${slug}`)],
    ['signing', () => request(t.app).post(`/letters/${slug}/signatures`).type('form').send(signForm())],
    ['a confirm link', () => request(t.app).get(`/signatures/confirm/${'A'.repeat(43)}`)],
  ])('when %s fails inside, then a bare 500 page is shown and the details go only to the log', async (_case, send) => {
    const res = await send();
    expect(res.status).toBe(500);
    expect(res.text).toContain('Sorry, something went wrong on our side.');
    expectNoLeak('500 page', res.text);
    expect(logs).toContain('request failed');
    expect(logs).toMatch(CLOSED_DATABASE[testEngine()]);
  });

  it('when a JSON client meets a 500, then it gets a stable error id and the same bare message', async () => {
    const res = await request(t.app).get('/').set('Accept', 'application/json');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { id: 'internal_error', message: 'Sorry, something went wrong on our side. Please try again in a moment.' } });
  });
});

import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { removeOrganiser } from '../../server/organisers/accounts.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createOrganiser, TEST_PASSWORD } from '../helpers/organisers.js';
import { observableIgnoringCookieValues } from '../helpers/responses.js';

let t: TestApp;
afterEach(() => t.close());

const signIn = (fields: Record<string, string>, cookie?: string) => {
  const pending = request(t.app).post('/admin/login').type('form');
  return (cookie ? pending.set('Cookie', cookie) : pending).send(fields);
};
const answerTo = async (fields: Record<string, string>, cookie?: string) => observableIgnoringCookieValues(await signIn(fields, cookie));

/** The same attempt before and after the account behind the email is removed: nothing typed differs. */
async function beforeAndAfterRemoval(fields: (email: string) => Record<string, string>, cookie?: string) {
  await createOrganiser(t, 'owner');
  const { email } = await createOrganiser(t, 'viewer');
  const known = await answerTo(fields(email), cookie);
  await removeOrganiser(t.ctx, email, SYSTEM_ACTOR);
  const unknown = await answerTo(fields(email), cookie);
  return { known, unknown };
}

describe('whether an organiser account exists', () => {
  it.each([
    ['a wrong password', (email: string) => ({ email, password: 'not the right password' })],
    ['a wrong password and a place to return to', (email: string) => ({ email, password: 'not the right password', next: '/admin/letters' })],
    ['the email typed with capitals and spaces', (email: string) => ({ email: ` ${email.toUpperCase()} `, password: 'not the right password' })],
    ['a password longer than any allowed', (email: string) => ({ email, password: 'p'.repeat(2000) })],
    ['the right password in the wrong case', (email: string) => ({ email, password: TEST_PASSWORD.toUpperCase() })],
    ['an empty password', (email: string) => ({ email, password: '' })],
  ])('when an attempt with %s is answered for an existing account and, the same attempt, once it is gone, then the answers are identical but for Date', async (_case, fields) => {
    t = await buildTestApp();
    const { known, unknown } = await beforeAndAfterRemoval(fields);
    expect([401, 422]).toContain(known.status);
    expect(unknown).toEqual(known);
    expect(known.headers['set-cookie']).toBeUndefined();
  });

  it('when the browser still sends a stale session cookie, then both answers are still identical', async () => {
    t = await buildTestApp();
    const { known, unknown } = await beforeAndAfterRemoval((email) => ({ email, password: 'wrong' }), `undersigned_session=${'A'.repeat(43)}`);
    expect(known.status).toBe(401);
    expect(unknown).toEqual(known);
  });

  it('when different emails are tried, then the answers differ only by the email shown back in the form', async () => {
    t = await buildTestApp();
    const { email } = await createOrganiser(t, 'owner');
    const known = await answerTo({ email, password: 'not the right password' });
    const unknown = await answerTo({ email: 'stranger@elsewhere.example', password: 'not the right password' });
    expect(unknown.status).toBe(401);
    const { 'content-length': _known, etag: _knownTag, ...knownHeaders } = known.headers;
    const { 'content-length': _unknown, etag: _unknownTag, ...unknownHeaders } = unknown.headers;
    expect(unknownHeaders).toEqual(knownHeaders);
    expect(unknown.body.replace('stranger@elsewhere.example', 'EMAIL')).toBe(known.body.replace(email, 'EMAIL'));
  });

  it('when the per-account limit is reached, then an existing and a made-up account are throttled alike, with identical answers', async () => {
    t = await buildTestApp({ env: { LOGIN_LIMIT_PER_ACCOUNT: '3', LOGIN_LIMIT_PER_IP: '0' } });
    const { email } = await createOrganiser(t, 'owner');
    const statuses = async (address: string) => {
      const seen: number[] = [];
      for (let i = 0; i < 4; i += 1) seen.push((await signIn({ email: address, password: `guess ${i}` })).status);
      return seen;
    };
    expect(await statuses(email)).toEqual([401, 401, 401, 429]);
    expect(await statuses('made-up@organisers.example')).toEqual([401, 401, 401, 429]);
    const known = await answerTo({ email, password: TEST_PASSWORD });
    const unknown = await answerTo({ email: 'made-up@organisers.example', password: TEST_PASSWORD });
    expect(known.status).toBe(429);
    expect(known.headers['retry-after']).toBe(unknown.headers['retry-after']);
    expect(unknown.body.replace('made-up@organisers.example', 'EMAIL')).toBe(known.body.replace(email, 'EMAIL'));
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildLetter, postSignature, signatureByEmail, signForm, tokenFromOutbox } from '../helpers/factories.js';
import { loadConfig } from '../../server/config.js';
import type { LetterRow } from '../../server/letters/table.js';
import { signatures } from '../../server/db/schema.js';

let t: TestApp;
afterEach(async () => {
  vi.useRealTimers();
  await t?.close();
});

async function setUp(env: Record<string, string>): Promise<LetterRow> {
  t = await buildTestApp({ env });
  return buildLetter(t.ctx);
}

const signFrom = (slug: string, fields: Record<string, string>, forwardedFor?: string) => {
  const req = request(t.app).post(`/letters/${slug}/signatures`);
  if (forwardedFor) req.set('X-Forwarded-For', forwardedFor);
  return req.type('form').send(fields);
};

const storedCount = async (): Promise<number> => (await t.ctx.db.select().from(signatures)).length;

function expectTooManyRequests(res: request.Response, maxWaitSeconds: number): void {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(maxWaitSeconds);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.text).toContain('<h1>Too many requests</h1>');
  expect(res.text).toMatch(/Please wait (a minute|about \d+ minutes) and try again/);
}

describe('defaults', () => {
  it('when nothing is configured, then every abuse control is on with the documented values', () => {
    expect(loadConfig({})).toMatchObject({ signLimitPerMinute: 3, signLimitPerHour: 20, signLimitPerDomainPerHour: 200, tokenLimitPerHour: 30, signMinSeconds: 3, signResponseMs: 250, trustProxy: false });
  });
});

describe('signing limits per client address', () => {
  it('when an address signs more than SIGN_LIMIT_PER_MINUTE times in a minute, then it gets 429 with Retry-After and a readable page, and nothing is stored', async () => {
    const letter = await setUp({ SIGN_LIMIT_PER_MINUTE: '3' });
    for (let i = 0; i < 3; i += 1) expect((await postSignature(t.app, letter.slug, signForm())).status).toBe(303);
    const refused = await postSignature(t.app, letter.slug, signForm({ email: 'fourth@example.org' }));
    expectTooManyRequests(refused, 60);
    expect(await signatureByEmail(t.ctx, 'fourth@example.org')).toBeUndefined();
    expect(await storedCount()).toBe(3);
  });

  it('when the minute has passed, then the address may sign again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const letter = await setUp({ SIGN_LIMIT_PER_MINUTE: '1' });
    await postSignature(t.app, letter.slug, signForm()).expect(303);
    await postSignature(t.app, letter.slug, signForm()).expect(429);
    vi.setSystemTime(Date.now() + 61_000);
    await postSignature(t.app, letter.slug, signForm()).expect(303);
  });

  it('when the hourly limit is reached, then Retry-After points up to an hour ahead', async () => {
    const letter = await setUp({ SIGN_LIMIT_PER_HOUR: '2' });
    for (let i = 0; i < 2; i += 1) await postSignature(t.app, letter.slug, signForm()).expect(303);
    const refused = await postSignature(t.app, letter.slug, signForm());
    expectTooManyRequests(refused, 3600);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(60);
  });

  it('when a form comes back with errors, then it does not count against the limit', async () => {
    const letter = await setUp({ SIGN_LIMIT_PER_MINUTE: '2' });
    for (let i = 0; i < 5; i += 1) await postSignature(t.app, letter.slug, signForm({ email: 'typo' })).expect(422);
    await postSignature(t.app, letter.slug, signForm()).expect(303);
    await postSignature(t.app, letter.slug, signForm()).expect(303);
    await postSignature(t.app, letter.slug, signForm()).expect(429);
  });

  it('when the limit is 0, then it is off', async () => {
    const letter = await setUp({ SIGN_LIMIT_PER_MINUTE: '0', SIGN_LIMIT_PER_HOUR: '0' });
    for (let i = 0; i < 25; i += 1) await postSignature(t.app, letter.slug, signForm()).expect(303);
  });
});

describe('TRUST_PROXY and X-Forwarded-For', () => {
  it('when TRUST_PROXY is false, then a spoofed X-Forwarded-For neither escapes the limit nor changes the recorded address', async () => {
    const letter = await setUp({ SIGN_LIMIT_PER_MINUTE: '2', TRUST_PROXY: 'false' });
    await signFrom(letter.slug, signForm({ email: 'one@example.org' }), '198.51.100.1').expect(303);
    await signFrom(letter.slug, signForm({ email: 'two@example.org' }), '198.51.100.2').expect(303);
    await signFrom(letter.slug, signForm(), '198.51.100.3').expect(429);
    expect((await signatureByEmail(t.ctx, 'one@example.org'))?.ipHash).toBe((await signatureByEmail(t.ctx, 'two@example.org'))?.ipHash);
    expect((await signatureByEmail(t.ctx, 'one@example.org'))?.ipNetwork).toBe('127.0.0.0/24');
  });

  it('when TRUST_PROXY is 1, then the address the proxy reports is the client: each has its own budget and its own hash', async () => {
    const letter = await setUp({ SIGN_LIMIT_PER_MINUTE: '2', TRUST_PROXY: '1' });
    await signFrom(letter.slug, signForm({ email: 'one@example.org' }), '198.51.100.1').expect(303);
    await signFrom(letter.slug, signForm({ email: 'two@example.org' }), '198.51.100.2').expect(303);
    await signFrom(letter.slug, signForm(), '198.51.100.1').expect(303);
    await signFrom(letter.slug, signForm(), '198.51.100.1').expect(429);
    await signFrom(letter.slug, signForm(), '198.51.100.2').expect(303);
    expect((await signatureByEmail(t.ctx, 'one@example.org'))?.ipHash).not.toBe((await signatureByEmail(t.ctx, 'two@example.org'))?.ipHash);
    expect((await signatureByEmail(t.ctx, 'one@example.org'))?.ipNetwork).toBe('198.51.100.0/24');
  });

  it('when TRUST_PROXY is 1 and a client prepends its own X-Forwarded-For entry, then only the entry the proxy added counts', async () => {
    const letter = await setUp({ SIGN_LIMIT_PER_MINUTE: '1', TRUST_PROXY: '1' });
    await signFrom(letter.slug, signForm(), '10.0.0.1, 198.51.100.7').expect(303);
    await signFrom(letter.slug, signForm(), '10.0.0.2, 198.51.100.7').expect(429);
  });
});

describe('signing limit per email domain and letter', () => {
  it('when a letter gets more than SIGN_LIMIT_PER_DOMAIN_PER_HOUR signatures from one domain, then the next one from that domain gets 429, others do not', async () => {
    const letter = await setUp({ SIGN_LIMIT_PER_DOMAIN_PER_HOUR: '2' });
    const other = await buildLetter(t.ctx);
    await postSignature(t.app, letter.slug, signForm({ email: 'a@flood.example' })).expect(303);
    await postSignature(t.app, letter.slug, signForm({ email: 'B@FLOOD.example' })).expect(303);
    expectTooManyRequests(await postSignature(t.app, letter.slug, signForm({ email: 'c@flood.example' })), 3600);
    expect(await signatureByEmail(t.ctx, 'c@flood.example')).toBeUndefined();
    await postSignature(t.app, letter.slug, signForm({ email: 'c@elsewhere.example' })).expect(303);
    await postSignature(t.app, other.slug, signForm({ email: 'c@flood.example' })).expect(303);
  });

  it('when the email is invalid or the letter unknown, then the request is answered as usual and not counted', async () => {
    const letter = await setUp({ SIGN_LIMIT_PER_DOMAIN_PER_HOUR: '1' });
    await postSignature(t.app, letter.slug, signForm({ email: 'a@flood.example', name: '' })).expect(422);
    await postSignature(t.app, 'no-such-letter', signForm({ email: 'a@flood.example' })).expect(404);
    await postSignature(t.app, letter.slug, signForm({ email: 'a@flood.example' })).expect(303);
  });
});

describe('confirm and withdraw links', () => {
  const badToken = (n: number) => `${'A'.repeat(42)}${'ABCDEFGHIJ'[n % 10]}`;

  it('when an address keeps trying tokens that do not exist, then after TOKEN_LIMIT_PER_HOUR failures it gets 429, on every link route', async () => {
    await setUp({ TOKEN_LIMIT_PER_HOUR: '3' });
    for (let i = 0; i < 3; i += 1) await request(t.app).post(`/signatures/confirm/${badToken(i)}`).expect(404);
    expectTooManyRequests(await request(t.app).post(`/signatures/confirm/${badToken(3)}`), 3600);
    expectTooManyRequests(await request(t.app).post(`/signatures/withdraw/${badToken(4)}`), 3600);
    expectTooManyRequests(await request(t.app).get(`/signatures/confirm/${badToken(5)}`), 3600);
  });

  it('when a person opens and presses their own link many times, then they are never throttled', async () => {
    const letter = await setUp({ TOKEN_LIMIT_PER_HOUR: '2' });
    await postSignature(t.app, letter.slug, signForm({ email: 'me@example.org' })).expect(303);
    const token = await tokenFromOutbox(t.ctx, 'me@example.org', 'confirm');
    for (let i = 0; i < 5; i += 1) await request(t.app).get(`/signatures/confirm/${token}`).expect(200);
    for (let i = 0; i < 3; i += 1) await request(t.app).post(`/signatures/confirm/${token}`).expect(200);
  });

  it('when one address is throttled, then another (behind a trusted proxy) still confirms', async () => {
    const letter = await setUp({ TOKEN_LIMIT_PER_HOUR: '1', TRUST_PROXY: '1' });
    await postSignature(t.app, letter.slug, signForm({ email: 'me@example.org' })).expect(303);
    const token = await tokenFromOutbox(t.ctx, 'me@example.org', 'confirm');
    await request(t.app).post(`/signatures/confirm/${badToken(0)}`).set('X-Forwarded-For', '203.0.113.9').expect(404);
    await request(t.app).post(`/signatures/confirm/${badToken(1)}`).set('X-Forwarded-For', '203.0.113.9').expect(429);
    await request(t.app).post(`/signatures/confirm/${token}`).set('X-Forwarded-For', '198.51.100.20').expect(200);
  });

  it('when an address that guessed past the limit opens a real link (people share NATs), then the link still works', async () => {
    const letter = await setUp({ TOKEN_LIMIT_PER_HOUR: '2' });
    await postSignature(t.app, letter.slug, signForm({ email: 'neighbour@example.org' })).expect(303);
    const token = await tokenFromOutbox(t.ctx, 'neighbour@example.org', 'confirm');
    for (let i = 0; i < 2; i += 1) await request(t.app).get(`/signatures/confirm/${badToken(i)}`).expect(404);
    expectTooManyRequests(await request(t.app).get(`/signatures/confirm/${badToken(2)}`), 3600);
    await request(t.app).get(`/signatures/confirm/${token}`).expect(200);
    await request(t.app).post(`/signatures/confirm/${token}`).expect(200);
    expect((await signatureByEmail(t.ctx, 'neighbour@example.org'))?.state).not.toBe('unconfirmed');
    expectTooManyRequests(await request(t.app).get(`/signatures/withdraw/${badToken(3)}`), 3600);
  });

  it('when link requests fail for other reasons (a post from another site), then they do not count as guesses', async () => {
    const letter = await setUp({ TOKEN_LIMIT_PER_HOUR: '1' });
    await postSignature(t.app, letter.slug, signForm({ email: 'me@example.org' })).expect(303);
    const token = await tokenFromOutbox(t.ctx, 'me@example.org', 'confirm');
    for (let i = 0; i < 3; i += 1) await request(t.app).post(`/signatures/confirm/${token}`).set('Sec-Fetch-Site', 'cross-site').expect(403);
    await request(t.app).post(`/signatures/confirm/${badToken(0)}`).expect(404);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildLetter, outboxFor, postSignature, signatureByEmail, signForm } from '../helpers/factories.js';
import { stampFrom } from '../helpers/public-site.js';
import { observable } from '../helpers/responses.js';
import type { LetterRow } from '../../server/letters/table.js';
import { signatures } from '../../server/db/schema.js';

let t: TestApp;
afterEach(() => t.close());

async function setUp(env: Record<string, string> = { SIGN_MIN_SECONDS: '3' }): Promise<LetterRow> {
  t = await buildTestApp({ env });
  return buildLetter(t.ctx);
}

async function stampOf(slug: string): Promise<string> {
  return stampFrom((await request(t.app).get(`/letters/${slug}`).expect(200)).text);
}

const storedNothing = async () => {
  expect(await t.ctx.db.select().from(signatures)).toHaveLength(0);
  expect(await outboxFor(t.ctx)).toHaveLength(0);
};

describe('the honeypot field', () => {
  it('when the form is shown, then the trap is hidden from people and assistive technology and kept out of autofill and the tab order', async () => {
    const letter = await setUp();
    const page = await request(t.app).get(`/letters/${letter.slug}`);
    const trap = /<div class="trap" aria-hidden="true">[\s\S]*?<\/div>/.exec(page.text)?.[0] ?? '';
    expect(trap).toMatch(/<input[^>]*name="website"[^>]*>/);
    expect(trap).toMatch(/name="website"[^>]*tabindex="-1"/);
    expect(trap).toMatch(/name="website"[^>]*autocomplete="off"/);
    expect(trap).toContain('<label for="field-website">');
  });

  it('when a bot fills it in, then it gets exactly the normal answer and nothing is stored or sent', async () => {
    const letter = await setUp({ SIGN_MIN_SECONDS: '0' });
    const human = await postSignature(t.app, letter.slug, signForm({ email: 'person@example.org' }));
    const bot = await postSignature(t.app, letter.slug, signForm({ email: 'bot@example.org', website: 'https://spam.example' }));
    expect(observable(bot)).toEqual(observable(human));
    expect(await signatureByEmail(t.ctx, 'bot@example.org')).toBeUndefined();
    expect(await outboxFor(t.ctx, 'bot@example.org')).toHaveLength(0);
  });
});

describe('the form stamp', () => {
  it('when a person submits some seconds after the page was shown, then the signature is taken', async () => {
    const letter = await setUp();
    const stamp = await stampOf(letter.slug);
    t.clock.advance(4_000);
    expect((await postSignature(t.app, letter.slug, signForm({ email: 'person@example.org', stamp }))).status).toBe(303);
    expect(await signatureByEmail(t.ctx, 'person@example.org')).toBeDefined();
    expect(await outboxFor(t.ctx, 'person@example.org')).toHaveLength(1);
  });

  // The last base64url character of a 256-bit MAC carries padding bits; change one that carries data.
  const forge = (stamp: string) => `${stamp.slice(0, -5)}${stamp.at(-5) === 'A' ? 'B' : 'A'}${stamp.slice(-4)}`;
  const cases: Array<[string, (stamp: string, other: string) => string | undefined, number]> = [
    ['sooner than SIGN_MIN_SECONDS', (stamp) => stamp, 2_000],
    ['with no stamp', () => undefined, 10_000],
    ['with an empty stamp', () => '', 10_000],
    ['with a stamp whose signature was altered', forge, 10_000],
    ['with a stamp whose time was altered', (stamp) => stamp.replace(/^[0-9a-z]+/, (time) => (parseInt(time, 36) - 60_000).toString(36)), 10_000],
    ['with a stamp issued for another letter', (_stamp, other) => other, 10_000],
    // A genuine stamp more than a day old is a person's page left open: see test/signatures/sign-form-stamp.test.ts.
    ['with garbage', () => '../../etc/passwd', 10_000],
  ];

  it.each(cases)('when a form is sent %s, then the answer is the normal one and nothing is stored or sent', async (_case, choose, waitMs) => {
    const letter = await setUp();
    const other = await buildLetter(t.ctx);
    const stamp = await stampOf(letter.slug);
    const otherStamp = await stampOf(other.slug);
    t.clock.advance(waitMs);
    const chosen = choose(stamp, otherStamp);
    const res = await postSignature(t.app, letter.slug, signForm(chosen === undefined ? {} : { stamp: chosen }));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/letters/${letter.slug}/check-your-email`);
    await storedNothing();
  });

  it('when SIGN_MIN_SECONDS is 0, then no stamp is needed (scripted clients, benchmarks)', async () => {
    const letter = await setUp({ SIGN_MIN_SECONDS: '0' });
    await postSignature(t.app, letter.slug, signForm({ email: 'script@example.org' })).expect(303);
    expect(await signatureByEmail(t.ctx, 'script@example.org')).toBeDefined();
  });

  it('when a form comes back with errors, then its stamp needs no further wait, so a quick correction is not taken for a bot', async () => {
    const letter = await setUp();
    const stamp = await stampOf(letter.slug);
    t.clock.advance(30_000);
    const invalid = await postSignature(t.app, letter.slug, signForm({ email: 'not an address', stamp }));
    expect(invalid.status).toBe(422);
    t.clock.advance(1_000);
    await postSignature(t.app, letter.slug, signForm({ email: 'quick@example.org', stamp: stampFrom(invalid.text) })).expect(303);
    expect(await signatureByEmail(t.ctx, 'quick@example.org')).toBeDefined();
  });

  it('when a form with a forged stamp comes back with errors, then it gets a fresh stamp, not the forged one', async () => {
    const letter = await setUp();
    const invalid = await postSignature(t.app, letter.slug, signForm({ email: 'not an address', stamp: 'abc.forged' }));
    expect(invalid.status).toBe(422);
    expect(invalid.text).not.toContain('abc.forged');
    expect(invalid.text).toMatch(/name="stamp" value="[0-9a-z]+\.[0-9a-z]+\.[A-Za-z0-9_-]{43}"/);
  });
});

describe('disposable email domains', () => {
  it.each([
    ['someone@mailinator.com', true],
    ['someone@anything.mailinator.com', true],
    ['someone@MAILINATOR.COM', true],
    ['someone@example.org', false],
  ])('when %s signs, then the signature is taken as usual and flagged disposable=%s', async (email, disposable) => {
    const letter = await setUp({ SIGN_MIN_SECONDS: '0' });
    await postSignature(t.app, letter.slug, signForm({ email })).expect(303);
    expect(await signatureByEmail(t.ctx, email)).toMatchObject({ disposableEmail: disposable, state: 'unconfirmed' });
    expect(await outboxFor(t.ctx, email.toLowerCase())).toHaveLength(1);
  });
});

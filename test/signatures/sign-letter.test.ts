import { beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { appPerTest } from '../helpers/app.js';
import { buildLetter, outboxFor, postSignature, reloadLetter, signatureByEmail, signForm } from '../helpers/factories.js';
import type { LetterRow } from '../../server/letters/table.js';

const t = appPerTest();
let letter: LetterRow;

beforeEach(async () => {
  letter = await buildLetter(t.ctx);
});

describe('signing a letter', () => {
  it('when the form is valid, then it stores an unconfirmed signature with the version and queues one confirmation mail', async () => {
    const fields = signForm({ email: 'Grace.Hopper@Example.ORG' });
    const res = await postSignature(t.app, letter.slug, fields);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/letters/${letter.slug}/check-your-email`);
    const signature = await signatureByEmail(t.ctx, 'grace.hopper@example.org');
    expect(signature).toMatchObject({ state: 'unconfirmed', name: fields.name, email: 'Grace.Hopper@example.org', emailDomain: 'example.org', versionId: letter.currentVersionId, showPublic: true, contactUpdates: false, mailsSent: 1 });
    expect(signature?.ipHash).toMatch(/^[0-9a-f]{64}$/);
    const mails = await outboxFor(t.ctx, 'Grace.Hopper@example.org');
    expect(mails).toHaveLength(1);
    expect(mails[0]?.textBody).toMatch(/http:\/\/127\.0\.0\.1\/signatures\/confirm\/[A-Za-z0-9_-]{43}/);
    expect(mails[0]?.htmlBody).toContain('<!doctype html>');
    expect((await reloadLetter(t.ctx, letter.slug)).countUnconfirmed).toBe(1);
  });

  it('when the email has an internationalised domain, then it is accepted, keyed, stored and mailed in punycode', async () => {
    const res = await postSignature(t.app, letter.slug, signForm({ email: 'Joerg@Bücher.Example' }));
    expect(res.status).toBe(303);
    expect(await signatureByEmail(t.ctx, 'joerg@xn--bcher-kva.example')).toMatchObject({ email: 'Joerg@xn--bcher-kva.example', emailDomain: 'xn--bcher-kva.example' });
  });

  it('when the name has surrounding spaces and decomposed accents, then it is stored trimmed and NFC-normalised', async () => {
    await postSignature(t.app, letter.slug, signForm({ name: '  Zoe\u0301 Martin  ', email: 'zoe@example.org' }));
    expect((await signatureByEmail(t.ctx, 'zoe@example.org'))?.name).toBe('Zoé Martin');
  });

  it('when the checkboxes are sent unticked (hidden field only), then the choices are off', async () => {
    const res = await request(t.app).post(`/letters/${letter.slug}/signatures`).type('form').send('name=Al&email=al%40example.org&public=no&updates=no');
    expect(res.status).toBe(303);
    expect(await signatureByEmail(t.ctx, 'al@example.org')).toMatchObject({ showPublic: false, contactUpdates: false });
  });

  it('when the checkboxes are ticked, then the last value wins', async () => {
    await request(t.app).post(`/letters/${letter.slug}/signatures`).type('form').send('name=Al&email=al%40example.org&public=no&public=yes&updates=no&updates=yes');
    expect(await signatureByEmail(t.ctx, 'al@example.org')).toMatchObject({ showPublic: true, contactUpdates: true });
  });
});

describe('validation', () => {
  const invalid: Array<[string, Record<string, string>, string, RegExp]> = [
    ['the name is empty', { name: '   ' }, 'name', /Enter your name/],
    ['the name is too long', { name: 'x'.repeat(121) }, 'name', /120 characters or fewer/],
    ['the name has a control character', { name: 'Eve\u0007' }, 'name', /not allowed/],
    ['the email is missing', { email: '' }, 'email', /Enter your email/],
    ['the email has no domain', { email: 'someone@' }, 'email', /correct format/],
    ['the email has two @', { email: 'a@b@example.org' }, 'email', /correct format/],
    ['the email domain has no dot', { email: 'a@localhost' }, 'email', /correct format/],
    ['the organisation is too long', { organisation: 'o'.repeat(161) }, 'organisation', /160 characters or fewer/],
    ['the role is too long', { title: 't'.repeat(121) }, 'title', /120 characters or fewer/],
    ['the comment is too long', { comment: 'c'.repeat(1001) }, 'comment', /1000 characters or fewer/],
  ];

  it.each(invalid)('when %s, then 422 with the message next to the field and nothing stored', async (_case, overrides, field, message) => {
    const fields = signForm(overrides);
    const res = await postSignature(t.app, letter.slug, fields);
    expect(res.status).toBe(422);
    expect(res.text).toMatch(message);
    expect(res.text).toContain(`id="error-${field}"`);
    expect(res.text).toMatch(new RegExp(`id="field-${field}"[^>]*aria-describedby="[^"]*error-${field}`));
    expect(res.text).toMatch(new RegExp(`id="field-${field}"[^>]*aria-invalid="true"`));
    expect(res.text).toContain(`href="#field-${field}"`);
    expect(await outboxFor(t.ctx)).toHaveLength(0);
    expect((await reloadLetter(t.ctx, letter.slug)).countUnconfirmed).toBe(0);
  });

  it('when the form is invalid, then the values are refilled and escaped', async () => {
    const res = await postSignature(t.app, letter.slug, signForm({ name: '', organisation: '<script>alert(1)</script>' }));
    expect(res.status).toBe(422);
    expect(res.text).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(res.text).not.toContain('<script>alert(1)');
  });

  it('when the name is exactly 120 characters including emoji, then it is accepted', async () => {
    const res = await postSignature(t.app, letter.slug, signForm({ name: '🙂'.repeat(120) }));
    expect(res.status).toBe(303);
  });

  it('when the body is over 16 KB, then 413 and nothing stored', async () => {
    const res = await postSignature(t.app, letter.slug, signForm({ comment: 'x'.repeat(17 * 1024) }));
    expect(res.status).toBe(413);
    expect(await outboxFor(t.ctx)).toHaveLength(0);
  });

  it('when the body is JSON, then 415', async () => {
    const res = await request(t.app).post(`/letters/${letter.slug}/signatures`).send({ name: 'A', email: 'a@example.org' });
    expect(res.status).toBe(415);
  });
});

describe('letters that cannot be signed', () => {
  it('when the letter is closed, then the page shows a notice instead of the form and a POST gets 409', async () => {
    const closed = await buildLetter(t.ctx, { status: 'closed' });
    const page = await request(t.app).get(`/letters/${closed.slug}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('This letter is closed');
    expect(page.text).not.toContain('name="email"');
    const res = await postSignature(t.app, closed.slug, signForm());
    expect(res.status).toBe(409);
    expect(await outboxFor(t.ctx)).toHaveLength(0);
  });

  it('when the closing time has passed, then signing is refused with 409', async () => {
    const closing = await buildLetter(t.ctx, { closesAt: new Date(t.clock.now().getTime() + 60_000) });
    expect((await postSignature(t.app, closing.slug, signForm())).status).toBe(303);
    t.clock.advance(61_000);
    expect((await postSignature(t.app, closing.slug, signForm())).status).toBe(409);
  });

  it('when the slug is unknown or a draft, then 404 page', async () => {
    const draft = await buildLetter(t.ctx, { status: 'draft' });
    for (const slug of ['no-such-letter', draft.slug]) {
      const res = await request(t.app).get(`/letters/${slug}`);
      expect(res.status).toBe(404);
      expect(res.text).toContain('Page not found');
      expect((await postSignature(t.app, slug, signForm())).status).toBe(404);
    }
  });
});

describe('cross-site requests', () => {
  it('when the browser says the POST is cross-site, then 403 and nothing stored', async () => {
    const res = await request(t.app).post(`/letters/${letter.slug}/signatures`).set('Sec-Fetch-Site', 'cross-site').type('form').send(signForm());
    expect(res.status).toBe(403);
    expect(await outboxFor(t.ctx)).toHaveLength(0);
  });

  it('when the Origin is another site, then 403', async () => {
    const res = await request(t.app).post(`/letters/${letter.slug}/signatures`).set('Origin', 'https://evil.example').type('form').send(signForm());
    expect(res.status).toBe(403);
  });

  it('when the Origin is this site, then it is accepted', async () => {
    const res = await request(t.app).post(`/letters/${letter.slug}/signatures`).set('Origin', 'http://127.0.0.1').set('Sec-Fetch-Site', 'same-origin').type('form').send(signForm());
    expect(res.status).toBe(303);
  });
});

import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueToken } from '../../server/signatures/tokens.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildLetter, buildSignature, outboxFor, postSignature, reloadLetter, signatureByEmail, signForm, tokenFromOutbox } from '../helpers/factories.js';

let t: TestApp;
beforeEach(() => {
  t = buildTestApp();
});
afterEach(() => t.close());

const HOUR = 60 * 60 * 1000;
const inAnHour = () => new Date(t.clock.now().getTime() + HOUR);

describe('closing a letter', () => {
  it('when a signature made while the letter was open is confirmed after it closed, then it counts and the thank-you mail goes out', async () => {
    const letter = buildLetter(t.ctx, { moderation: 'post', closesAt: inAnHour() });
    await postSignature(t.app, letter.slug, signForm({ email: 'in-time@example.org' })).expect(303);
    t.clock.advance(2 * HOUR);
    expect((await postSignature(t.app, letter.slug, signForm({ email: 'too-late@example.org' }))).status).toBe(409);

    await request(t.app).post(`/signatures/confirm/${tokenFromOutbox(t.ctx, 'in-time@example.org', 'confirm')}`).expect(200);

    expect(signatureByEmail(t.ctx, 'in-time@example.org')?.state).toBe('approved');
    expect(reloadLetter(t.ctx, letter.slug)).toMatchObject({ countApproved: 1, countListed: 1 });
    expect(outboxFor(t.ctx, 'in-time@example.org').map((mail) => mail.kind)).toContain('signature-confirmed');
    expect(signatureByEmail(t.ctx, 'too-late@example.org')).toBeUndefined();
  });

  it('when a signature was stored after the letter closed (a request racing the close), then confirming it is refused with 409 and it stays out of the count', async () => {
    const letter = buildLetter(t.ctx, { moderation: 'post', closesAt: inAnHour() });
    t.clock.advance(2 * HOUR);
    const late = buildSignature(t.ctx, letter, { email: 'raced@example.org', state: 'unconfirmed', signedAt: t.clock.now() });
    const token = t.ctx.db.transaction((tx) => issueToken(tx, late.id, 'confirm', 7, t.clock.now()));

    const res = await request(t.app).post(`/signatures/confirm/${token}`);

    expect(res.status).toBe(409);
    expect(res.text).toContain('had closed before this signature was made');
    expect(signatureByEmail(t.ctx, 'raced@example.org')?.state).toBe('unconfirmed');
    expect(reloadLetter(t.ctx, letter.slug)).toMatchObject({ countApproved: 0, countPending: 0 });
  });

  it('when a reader opens a closed letter, then the page says that signatures made before it closed still count once confirmed', async () => {
    const letter = buildLetter(t.ctx, { status: 'closed' });
    const page = (await request(t.app).get(`/letters/${letter.slug}`).expect(200)).text;
    expect(page).toContain('This letter is closed');
    expect(page).toContain('If you signed before it closed, your signature still counts');
  });
});

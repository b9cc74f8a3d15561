import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { issueToken } from '../../server/signatures/tokens.js';
import { appPerTest } from '../helpers/app.js';
import { buildLetter, buildSignature, outboxFor, postSignature, reloadLetter, signatureByEmail, signForm, tokenFromOutbox } from '../helpers/factories.js';
import { loginAs } from '../helpers/organisers.js';

const t = appPerTest();

const HOUR = 60 * 60 * 1000;
const inAnHour = () => new Date(t.clock.now().getTime() + HOUR);

describe('closing a letter', () => {
  it('when a signature made while the letter was open is confirmed after it closed, then it counts and the thank-you mail goes out', async () => {
    const letter = await buildLetter(t.ctx, { moderation: 'post', closesAt: inAnHour() });
    await postSignature(t.app, letter.slug, signForm({ email: 'in-time@example.org' })).expect(303);
    t.clock.advance(2 * HOUR);
    expect((await postSignature(t.app, letter.slug, signForm({ email: 'too-late@example.org' }))).status).toBe(409);

    await request(t.app).post(`/signatures/confirm/${await tokenFromOutbox(t.ctx, 'in-time@example.org', 'confirm')}`).expect(200);

    expect((await signatureByEmail(t.ctx, 'in-time@example.org'))?.state).toBe('approved');
    expect(await reloadLetter(t.ctx, letter.slug)).toMatchObject({ countApproved: 1, countListed: 1 });
    expect((await outboxFor(t.ctx, 'in-time@example.org')).map((mail) => mail.kind)).toContain('signature-confirmed');
    expect(await signatureByEmail(t.ctx, 'too-late@example.org')).toBeUndefined();
  });

  it('when a signature was stored after the letter closed (a request racing the close), then confirming it is refused with 409 and it stays out of the count', async () => {
    const letter = await buildLetter(t.ctx, { moderation: 'post', closesAt: inAnHour() });
    t.clock.advance(2 * HOUR);
    const late = await buildSignature(t.ctx, letter, { email: 'raced@example.org', state: 'unconfirmed', signedAt: t.clock.now() });
    const token = await t.ctx.db.write((tx) => issueToken(tx, late.id, 'confirm', 7, t.clock.now()));

    const res = await request(t.app).post(`/signatures/confirm/${token}`);

    expect(res.status).toBe(409);
    expect(res.text).toContain('had closed before this signature was made');
    expect((await signatureByEmail(t.ctx, 'raced@example.org'))?.state).toBe('unconfirmed');
    expect(await reloadLetter(t.ctx, letter.slug)).toMatchObject({ countApproved: 0, countPending: 0 });
  });

  it('when a reader opens a closed letter, then the page says that signatures made before it closed still count once confirmed', async () => {
    const letter = await buildLetter(t.ctx, { status: 'closed' });
    const page = (await request(t.app).get(`/letters/${letter.slug}`).expect(200)).text;
    expect(page).toContain('This letter is closed');
    expect(page).toContain('If you signed before it closed, your signature still counts');
  });
});

describe('when a letter closed is history', () => {
  const utcInput = (date: Date) => date.toISOString().slice(0, 16);
  const edit = async (slug: string, changes: Record<string, string>) => {
    const owner = await loginAs(t, 'owner');
    const letter = await reloadLetter(t.ctx, slug);
    const fields = { slug, title: letter.title, summary: letter.summary, body: letter.body, moderation: letter.moderation, opens_at: '', closes_at: letter.closesAt ? utcInput(letter.closesAt) : '', ...changes };
    return owner.agent.post(`/admin/letters/${slug}`).type('form').send({ _csrf: owner.csrfToken, ...fields });
  };

  it('when an owner moves the closing time of an open letter into the past, then it is refused pointing to Close, and a signature made while open still confirms', async () => {
    const letter = await buildLetter(t.ctx, { moderation: 'post', closesAt: new Date(t.clock.now().getTime() + 24 * HOUR) });
    await postSignature(t.app, letter.slug, signForm({ email: 'ken@example.org' })).expect(303);
    t.clock.advance(2 * HOUR);

    const res = await edit(letter.slug, { closes_at: utcInput(new Date(t.clock.now().getTime() - HOUR)) });

    expect(res.status).toBe(422);
    expect(res.text).toContain('To close the letter now, use Close');
    expect((await reloadLetter(t.ctx, letter.slug)).closesAt).toEqual(letter.closesAt);
    await request(t.app).post(`/signatures/confirm/${await tokenFromOutbox(t.ctx, 'ken@example.org', 'confirm')}`).expect(200);
    expect((await signatureByEmail(t.ctx, 'ken@example.org'))?.state).toBe('approved');
  });

  it('when a letter closed on schedule, then its passed closing time cannot be moved to another past time, but the letter can still be edited', async () => {
    const letter = await buildLetter(t.ctx, { closesAt: inAnHour() });
    t.clock.advance(3 * HOUR);
    expect((await edit(letter.slug, { closes_at: utcInput(new Date(t.clock.now().getTime() - 2.5 * HOUR)) })).status).toBe(422);
    expect((await edit(letter.slug, { summary: 'A corrected summary' })).status).toBe(303);
    expect(await reloadLetter(t.ctx, letter.slug)).toMatchObject({ summary: 'A corrected summary', closesAt: letter.closesAt });
  });

  it('when a letter is closed by hand before its scheduled closing time, then a signature stored after the close (a racing request) is refused on confirmation', async () => {
    const letter = await buildLetter(t.ctx, { moderation: 'post', closesAt: new Date(t.clock.now().getTime() + 2 * HOUR) });
    t.clock.advance(HOUR);
    const owner = await loginAs(t, 'owner');
    await owner.agent.post(`/admin/letters/${letter.slug}/status`).type('form').send({ _csrf: owner.csrfToken, status: 'closed' }).expect(303);
    expect((await reloadLetter(t.ctx, letter.slug)).closedAt).toEqual(t.clock.now());
    t.clock.advance(HOUR / 2);
    const raced = await buildSignature(t.ctx, letter, { email: 'raced@example.org', state: 'unconfirmed', signedAt: t.clock.now() });
    const token = await t.ctx.db.write((tx) => issueToken(tx, raced.id, 'confirm', 7, t.clock.now()));
    t.clock.advance(2 * HOUR);

    expect((await request(t.app).post(`/signatures/confirm/${token}`)).status).toBe(409);
    expect(await reloadLetter(t.ctx, letter.slug)).toMatchObject({ countApproved: 0, countPending: 0 });
  });
});

import { eq } from 'drizzle-orm';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { letters, signatures } from '../../server/db/schema.js';
import { buildLetter, buildSignature } from '../helpers/factories.js';
import { signedInAs } from '../helpers/signed-in.js';
import { testEngine } from '../helpers/app.js';
import { createErrorHandler } from '../../server/web/error-handler.js';

/*
 * PostgreSQL's text cannot hold a NUL character: a NUL that reached a query there failed the
 * request with a 500 (an organiser form field did). Refused where requests are read, on both
 * engines alike, so no query ever sees one.
 */
const owner = signedInAs('owner');
const { t } = owner;

const stored = async () => ({ letters: await t.ctx.db.select().from(letters), signatures: await t.ctx.db.select().from(signatures) });

describe('a NUL character in a request', () => {
  it('when an organiser form field holds a NUL, then 400 and the letter is unchanged', async () => {
    const letter = await buildLetter(t.ctx);
    const before = await stored();
    const res = await owner.post(`/admin/letters/${letter.slug}`, { title: 'New\0title', summary: 'S', body: 'Body\0text', moderation: 'pre' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('The form could not be read');
    expect(await stored()).toEqual(before);
  });

  it.each([
    ['the sign form', (slug: string) => request(t.app).post(`/letters/${slug}/signatures`).type('form').send({ name: 'Ada\0', email: 'ada@example.org' })],
    ['the sign-in form', () => request(t.app).post('/admin/login').type('form').send({ email: 'a\0@example.org', password: 'x' })],
  ])('when %s holds a NUL, then 400 and nothing is stored', async (_form, send) => {
    const letter = await buildLetter(t.ctx);
    const before = await stored();
    expect((await send(letter.slug)).status).toBe(400);
    expect(await stored()).toEqual(before);
  });

  it.each([
    ['a letter address', (slug: string) => `/letters/${slug}%00`],
    ['a public search', (slug: string) => `/letters/${slug}/signatories?q=ne%00dle`],
    ['a public API search', (slug: string) => `/api/letters/${slug}/signatories?q=%00`],
    ['a confirm link', () => '/signatures/confirm/abc%00def'],
    ['the moderation queue search', (slug: string) => `/admin/letters/${slug}/signatures?q=%00`],
    ['the audit log filter', () => '/admin/audit?action=%00'],
  ])('when %s holds a NUL, then 400, never a server error', async (_where, path) => {
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { state: 'approved', name: 'Needle' });
    const res = await owner.agent.get(path(letter.slug));
    expect(res.status).toBe(400);
  });

  it('when the same requests carry no NUL, then they are answered as usual (the check refuses NUL alone)', async () => {
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { state: 'approved', name: 'Needle' });
    expect((await owner.agent.get(`/letters/${letter.slug}/signatories?q=needle`)).text).toContain('Needle');
    expect((await owner.agent.get(`/admin/letters/${letter.slug}/signatures?q=%25`)).status).toBe(200);
  });
});

describe('text the database cannot store, past the request checks', () => {
  it('when a query is given a NUL, then PostgreSQL refuses it and the answer is a 400, not a 500 (SQLite stores it)', async () => {
    const app = express();
    app.get('/lookup', async (_req, res, next) => {
      try {
        res.json(await t.ctx.db.select({ id: letters.id }).from(letters).where(eq(letters.slug, 'a\0b')));
      } catch (error) {
        next(error);
      }
    });
    app.use(createErrorHandler(pino({ level: 'silent' })));
    const res = await request(app).get('/lookup').set('Accept', 'application/json');
    if (testEngine() === 'postgres') expect(res.body).toEqual({ error: { id: 'unstorable_text', message: expect.stringContaining('cannot be stored') } });
    expect(res.status).toBe(testEngine() === 'postgres' ? 400 : 200);
  });
});

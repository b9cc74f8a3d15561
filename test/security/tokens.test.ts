import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import request from 'supertest';
import { sha256Hex } from '../../server/lib/hash.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildLetter, outboxFor, postSignature, signatureByEmail, signForm, tokenFromOutbox } from '../helpers/factories.js';
import { snapshotTables, sqlRows } from '../helpers/database.js';
import { endorseFields, endorsementTokenFromOutbox, postEndorsement } from '../helpers/endorsements.js';

let t: TestApp;
afterEach(() => t.close());

async function signedAndConfirmed(email = 'signer@example.org'): Promise<{ confirm: string; withdraw: string }> {
  const letter = await buildLetter(t.ctx);
  await postSignature(t.app, letter.slug, signForm({ email })).expect(303);
  const confirm = await tokenFromOutbox(t.ctx, email, 'confirm');
  await request(t.app).post(`/signatures/confirm/${confirm}`).expect(200);
  return { confirm, withdraw: await tokenFromOutbox(t.ctx, email, 'withdraw') };
}

describe('token shape and storage', () => {
  it('when tokens are issued, then each is 256 random bits in URL-safe base64, and different every time', async () => {
    t = await buildTestApp();
    const tokens = await signedAndConfirmed();
    for (const token of Object.values(tokens)) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    }
    expect(tokens.confirm).not.toBe(tokens.withdraw);
  });

  it('when tokens are stored, then only their SHA-256 is kept, and the token itself is nowhere in the database but the queued mail', async () => {
    t = await buildTestApp();
    const tokens = await signedAndConfirmed();
    const stored = (await sqlRows<{ hash: string; purpose: string }>(t, 'SELECT token_hash AS hash, purpose FROM signature_tokens'));
    expect(stored).toContainEqual({ hash: sha256Hex(tokens.withdraw), purpose: 'withdraw' });
    const { outbox: _mails, ...tables } = await snapshotTables(t, []);
    expect(Object.keys(tables)).toContain('signatures');
    for (const [table, rows] of Object.entries(tables)) {
      const dump = JSON.stringify(rows);
      for (const token of Object.values(tokens)) expect(dump, table).not.toContain(token);
    }
  });
});

describe('single purpose', () => {
  it('when a confirm token is used on the withdraw link, then 404 and the signature stays', async () => {
    t = await buildTestApp();
    const { confirm } = await signedAndConfirmed();
    await request(t.app).get(`/signatures/withdraw/${confirm}`).expect(404);
    await request(t.app).post(`/signatures/withdraw/${confirm}`).expect(404);
    expect((await signatureByEmail(t.ctx, 'signer@example.org'))?.state).toBe('pending');
  });

  it('when a withdraw token is used on the confirm link, then 404 and no mail is sent', async () => {
    t = await buildTestApp();
    const { withdraw } = await signedAndConfirmed();
    const mailsBefore = (await outboxFor(t.ctx)).length;
    await request(t.app).get(`/signatures/confirm/${withdraw}`).expect(404);
    await request(t.app).post(`/signatures/confirm/${withdraw}`).expect(404);
    expect(await outboxFor(t.ctx)).toHaveLength(mailsBefore);
  });
});

describe('tokens in logs', () => {
  it('when links are opened, pressed, mistyped or expired, then the request log shows the route but never the token or its hash', async () => {
    let logs = '';
    const stream = new Writable({ write: (chunk: Buffer, _encoding, done) => void ((logs += chunk.toString()), done()) });
    t = await buildTestApp({ logger: pino({ level: 'trace' }, stream) });
    const tokens = await signedAndConfirmed();
    await request(t.app).get(`/signatures/confirm/${tokens.confirm}?utm_source=mail`);
    await request(t.app).get(`/signatures/withdraw/${tokens.withdraw}`);
    await request(t.app).post(`/signatures/withdraw/${tokens.withdraw}`);
    await request(t.app).get(`/signatures/confirm/${tokens.confirm.slice(0, 40)}`);
    await request(t.app).get(`/signatures/confirm/${tokens.confirm}%E0%A4%A`);
    t.clock.advanceDays(400);
    await request(t.app).get(`/signatures/withdraw/${tokens.withdraw}`);

    expect(logs).toContain('/signatures/confirm/[token]');
    expect(logs).toContain('/signatures/withdraw/[token]');
    for (const token of Object.values(tokens)) {
      expect(logs).not.toContain(token);
      expect(logs).not.toContain(token.slice(0, 40));
      expect(logs).not.toContain(sha256Hex(token));
    }
  });
});

describe('endorsement tokens in logs', () => {
  it('when an endorsement link is opened, pressed or mistyped, then the request log shows the route but never the token or its hash', async () => {
    let logs = '';
    const stream = new Writable({ write: (chunk: Buffer, _encoding, done) => void ((logs += chunk.toString()), done()) });
    t = await buildTestApp({ logger: pino({ level: 'trace' }, stream) });
    const letter = await buildLetter(t.ctx);
    const fields = endorseFields();
    await postEndorsement(t.app, letter.slug, fields).expect(303);
    const token = await endorsementTokenFromOutbox(t.ctx, fields.email!);
    await request(t.app).get(`/endorsements/confirm/${token}?utm_source=mail`);
    await request(t.app).post(`/endorsements/confirm/${token}`);
    await request(t.app).get(`/endorsements/confirm/${token.slice(0, 40)}`);

    expect(logs).toContain('/endorsements/confirm/[token]');
    expect(logs).not.toContain(token.slice(0, 40));
    expect(logs).not.toContain(sha256Hex(token));
  });
});

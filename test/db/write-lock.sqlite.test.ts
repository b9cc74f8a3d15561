import { spawn, type ChildProcess } from 'node:child_process';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildLetter, buildSignature, postSignature, signForm, signatureByEmail, tokenFromOutbox } from '../helpers/factories.js';
import { loginAs } from '../helpers/organisers.js';

let t: TestApp | undefined;
let holder: ChildProcess | undefined;
afterEach(async () => {
  holder?.kill();
  await t?.close();
  t = undefined;
});

/**
 * Another process (as `counts repair` or `privacy run` would be) takes the write lock with its own
 * better-sqlite3 connection, writes, holds the lock for `ms` and commits. Resolves once it holds it.
 */
function holdWriteLock(path: string, ms: number): Promise<ChildProcess> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.pragma('busy_timeout = 5000');
    db.exec('BEGIN IMMEDIATE');
    db.prepare('UPDATE letters SET updated_at = updated_at + 1').run();
    process.stdout.write('locked\\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.argv[2]));
    db.exec('COMMIT');
    db.close();
  `;
  const child = spawn(process.execPath, ['-e', script, path, String(ms)], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve(child));
    child.once('exit', (code) => reject(new Error(`the lock holder exited with ${code} before locking`)));
  });
}

describe('writes while another process holds the write lock', () => {
  it('when signing, confirming and moderating arrive during a 1.5 s lock held elsewhere, then none fails with a 5xx and every success is stored', async () => {
    t = await buildTestApp();
    const app = t;
    const letter = await buildLetter(app.ctx, { moderation: 'pre' });
    for (let i = 0; i < 4; i += 1) await postSignature(app.app, letter.slug, signForm({ email: `confirming-${i}@example.org` })).expect(303);
    const tokens = await Promise.all([0, 1, 2, 3].map((i) => tokenFromOutbox(app.ctx, `confirming-${i}@example.org`, 'confirm')));
    const pending = await Promise.all([0, 1, 2].map((i) => buildSignature(app.ctx, letter, { state: 'pending', email: `pending-${i}@example.org` })));
    const moderator = await loginAs(app, 'moderator');

    holder = await holdWriteLock(app.config.databasePath, 1500);
    const signing = Array.from({ length: 8 }, (_, i) => `locked-out-${i}@example.org`);
    const [signed, confirmed, moderated] = await Promise.all([
      Promise.all(signing.map((email) => postSignature(app.app, letter.slug, signForm({ email })))),
      Promise.all(tokens.map((token) => request(app.app).post(`/signatures/confirm/${token}`))),
      moderator.agent.post(`/admin/letters/${letter.slug}/signatures/moderate`).type('form').send({ _csrf: moderator.csrfToken, ids: pending.map((row) => String(row.id)), action: 'approve' }),
    ]);

    const statuses = [...signed, ...confirmed, moderated].map((res) => res.status);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(signed.map((res) => res.status)).toEqual(signing.map(() => 303));
    for (const email of signing) expect(await signatureByEmail(app.ctx, email), email).toBeDefined();
    expect(confirmed.map((res) => res.status)).toEqual(tokens.map(() => 200));
    for (let i = 0; i < 4; i += 1) expect((await signatureByEmail(app.ctx, `confirming-${i}@example.org`))?.state).toBe('pending');
    expect(moderated.status).toBe(303);
    for (const row of pending) expect((await signatureByEmail(app.ctx, row.email))?.state).toBe('approved');
  });
});


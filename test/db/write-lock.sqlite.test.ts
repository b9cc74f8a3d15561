import { join } from 'node:path';
import { isDatabaseBusy } from '../../server/db/errors.js';
import { migrateSqlite } from '../../server/db/migrate.js';
import { organisations } from '../../server/db/schema.js';
import { openSqliteDatabase } from '../../server/db/sqlite-database.js';
import { tempDir } from '../helpers/config.js';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { snapshotTables } from '../helpers/database.js';
import { buildLetter, buildSignature, postSignature, signForm, signatureByEmail, tokenFromOutbox } from '../helpers/factories.js';
import { loginAs } from '../helpers/organisers.js';
import { holdWriteLock, type WriteLockHolder } from '../helpers/write-lock.js';

let t: TestApp | undefined;
let holder: WriteLockHolder | undefined;
afterEach(async () => {
  holder?.kill();
  await t?.close();
  t = undefined;
});

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

  it('when another process holds the write lock beyond the busy timeout, then a sign-up is answered 503 with Retry-After (a page, or JSON when asked), nothing is stored, and the same form goes through once the lock is gone', async () => {
    t = await buildTestApp({ env: { DATABASE_BUSY_TIMEOUT_MS: '200' } });
    const app = t;
    const letter = await buildLetter(app.ctx);
    const form = signForm({ email: 'kept-waiting@example.org' });
    // The holder's own write touches the letters table: compare everything else.
    const before = await snapshotTables(app, ['sessions', 'letters']);

    holder = await holdWriteLock(app.config.databasePath, 3000);
    const page = await postSignature(app.app, letter.slug, form);
    const json = await postSignature(app.app, letter.slug, form).set('Accept', 'application/json');
    await holder.released;

    expect(page.status).toBe(503);
    expect(page.headers['retry-after']).toBe('5');
    expect(page.text).toContain('busy');
    expect(json.status).toBe(503);
    expect(json.headers['retry-after']).toBe('5');
    expect(json.body).toMatchObject({ error: { id: 'database-busy' } });
    expect(await snapshotTables(app, ['sessions', 'letters'])).toEqual(before);

    await postSignature(app.app, letter.slug, form).expect(303);
    expect(await signatureByEmail(app.ctx, 'kept-waiting@example.org')).toBeDefined();
  });

  it('when a write waits for a lock held in another process, then pages are still answered meanwhile: the wait does not hold up the event loop', async () => {
    t = await buildTestApp();
    const app = t;
    const letter = await buildLetter(app.ctx);
    holder = await holdWriteLock(app.config.databasePath, 2500);
    let released = false;
    void holder.released.then(() => (released = true));

    const waiting = postSignature(app.app, letter.slug, signForm({ email: 'waits-its-turn@example.org' })).then((res) => res);
    // Let the sign-up reach its BEGIN and start waiting for the lock.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const page = await request(app.app).get(`/letters/${letter.slug}`);
    const answeredWhileLocked = !released;

    expect(page.status).toBe(200);
    expect(answeredWhileLocked).toBe(true);
    expect((await waiting).status).toBe(303);
    expect(await signatureByEmail(app.ctx, 'waits-its-turn@example.org')).toBeDefined();
  });

  it('when writes queue behind one waiting for a lock held elsewhere, then each gives up DATABASE_BUSY_TIMEOUT_MS after it was asked for, not that long after its turn', async () => {
    const path = join(tempDir(), 'deadlines.db');
    const db = openSqliteDatabase(path, { busyTimeoutMs: 400 });
    migrateSqlite(db);
    holder = await holdWriteLock(path, 4000);
    let released = false;
    void holder.released.then(() => (released = true));
    // Ten writes asked for 50 ms apart: counted from their turns they would give up one after another, the last past the lock's end.
    const writes: Array<Promise<{ busy: boolean }>> = [];
    const outcomeOf = (write: Promise<unknown>) => write.then(() => ({ busy: false }), (error: unknown) => ({ busy: isDatabaseBusy(error) }));
    for (let i = 0; i < 10; i += 1) {
      writes.push(outcomeOf(db.write((tx) => tx.insert(organisations).values({ name: `Queued ${i}`, nameKey: `queued ${i}`, createdAt: new Date() }))));
      writes.push(outcomeOf(db.write((tx) => tx.insert(organisations).values({ name: `Grouped ${i}`, nameKey: `grouped ${i}`, createdAt: new Date() }), { grouped: true })));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const outcomes = await Promise.all(writes);
    const answeredWhileLocked = !released;
    await holder.released;
    await db.close();

    expect(outcomes.filter((outcome) => outcome.busy)).toHaveLength(20);
    expect(answeredWhileLocked).toBe(true);
  });
});

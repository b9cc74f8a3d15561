import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { appPerTest } from '../helpers/app.js';
import { snapshotTables } from '../helpers/database.js';
import { buildLetter, signAndConfirm, signatureByEmail, tokenFromOutbox } from '../helpers/factories.js';
import { loginAs } from '../helpers/organisers.js';
import { draftThroughForm, updatesPath } from '../updates/helpers.js';

const t = appPerTest();

const entry = { name: 'Edited Name', organisation: 'Edited Org', title: 'Edited', comment: '', public: 'yes', updates: 'no' };

describe('edit links and update pages', () => {
  it('when one signer’s edit link is used, then only their own entry changes; no form field can point it at another signature', async () => {
    const letter = await buildLetter(t.ctx, { moderation: 'post' });
    await signAndConfirm(t, letter.slug, { email: 'alice@example.org', name: 'Alice' });
    const bob = await signAndConfirm(t, letter.slug, { email: 'bob@example.org', name: 'Bob' });
    const aliceEdit = await tokenFromOutbox(t.ctx, 'alice@example.org', 'edit');
    await request(t.app).post(`/signatures/edit/${aliceEdit}`).type('form').send({ ...entry, id: String(bob.id), signatureId: String(bob.id), email: 'bob@example.org' }).expect(200);
    expect((await signatureByEmail(t.ctx, 'alice@example.org'))?.name).toBe('Edited Name');
    expect(await signatureByEmail(t.ctx, 'bob@example.org')).toEqual(bob);
  });

  it('when a token of another purpose is used as an edit or unsubscribe link (or the other way round), then it is a 404 and nothing changes', async () => {
    const letter = await buildLetter(t.ctx, { moderation: 'post' });
    await signAndConfirm(t, letter.slug, { email: 'alice@example.org', updates: 'yes' });
    const withdraw = await tokenFromOutbox(t.ctx, 'alice@example.org', 'withdraw');
    const edit = await tokenFromOutbox(t.ctx, 'alice@example.org', 'edit');
    // Failed look-ups are counted against the client (rate_counters): that is all they may change.
    const before = await snapshotTables(t, ['sessions', 'rate_counters']);
    await request(t.app).get(`/signatures/edit/${withdraw}`).expect(404);
    await request(t.app).post(`/signatures/edit/${withdraw}`).type('form').send(entry).expect(404);
    await request(t.app).post(`/unsubscribe/${edit}`).type('form').send('List-Unsubscribe=One-Click').expect(404);
    await request(t.app).post(`/unsubscribe/${withdraw}`).expect(404);
    await request(t.app).post(`/signatures/withdraw/${edit}`).expect(404);
    expect(await snapshotTables(t, ['sessions', 'rate_counters'])).toEqual(before);
  });

  it('when a viewer or a moderator posts to the update forms, or nobody is signed in, then it is refused and nothing is stored or sent', async () => {
    const letter = await buildLetter(t.ctx);
    const owner = await loginAs(t, 'owner');
    const id = await draftThroughForm(owner, letter.slug);
    const before = await snapshotTables(t);
    for (const role of ['viewer', 'moderator'] as const) {
      const someone = await loginAs(t, role);
      const after = await snapshotTables(t);
      await someone.post(updatesPath(letter.slug), { subject: 'Mine', body: 'Mine', showOnLetter: 'no' }).expect(403);
      await someone.post(`${updatesPath(letter.slug)}/${id}`, { subject: 'Mine', body: 'Mine', showOnLetter: 'no' }).expect(403);
      await someone.post(`${updatesPath(letter.slug)}/${id}/send`).expect(403);
      await someone.post(`${updatesPath(letter.slug)}/${id}/shown`, { shown: 'yes' }).expect(403);
      expect(await snapshotTables(t)).toEqual(after);
      // Every organiser may read them.
      await someone.agent.get(`${updatesPath(letter.slug)}/${id}`).expect(200);
    }
    const stranger = request.agent(t.app);
    await stranger.post(`${updatesPath(letter.slug)}/${id}/send`).type('form').send({}).expect(303).expect('location', '/admin/login');
    await stranger.get(updatesPath(letter.slug)).expect(303);
    const rows = await snapshotTables(t);
    expect(rows.letter_updates).toEqual(before.letter_updates);
    expect(rows.outbox).toEqual(before.outbox);
  });

  it('when a viewer posts a decision on waiting edits, then it is refused with a 403', async () => {
    const letter = await buildLetter(t.ctx);
    const viewer = await loginAs(t, 'viewer');
    await viewer.post(`/admin/letters/${letter.slug}/signatures/edits`, { edits: '1', action: 'approve' }).expect(403);
  });
});

import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { appPerTest } from '../helpers/app.js';
import { auditRows } from '../helpers/admin-pages.js';
import { sqlRows } from '../helpers/database.js';
import { buildLetter, reloadLetter, signAndConfirm, signatureByEmail, tokenFromOutbox } from '../helpers/factories.js';
import { loginAs } from '../helpers/organisers.js';
import { SYSTEM_ACTOR } from '../../server/audit/index.js';
import { createOrganisation } from '../../server/organisations/create-organisation.js';
import type { LetterRow } from '../../server/letters/table.js';

const t = appPerTest();

const entry = { name: 'Grace Hopper', organisation: 'Navy Labs', title: 'Rear Admiral', comment: 'Ship it.', public: 'yes', updates: 'no' };

async function signedWithEditLink(letter: LetterRow, email: string, fields: Record<string, string> = {}): Promise<string> {
  await signAndConfirm(t, letter.slug, { email, name: entry.name, organisation: entry.organisation, title: entry.title, comment: entry.comment, ...fields });
  return tokenFromOutbox(t.ctx, email, 'edit');
}

/** Grace signed a pre-moderated letter and a moderator approved her: she is listed. */
async function listedOnPreModeratedLetter() {
  const letter = await buildLetter(t.ctx, { moderation: 'pre' });
  const token = await signedWithEditLink(letter, 'grace@example.org');
  const moderator = await loginAs(t, 'moderator');
  const signature = await signatureByEmail(t.ctx, 'grace@example.org');
  await moderator.post(`/admin/letters/${letter.slug}/signatures/moderate`, { ids: String(signature?.id), action: 'approve' }).expect(303);
  return { letter, token, moderator, signature };
}

const editEntry = (token: string, fields: Record<string, string>) => request(t.app).post(`/signatures/edit/${token}`).type('form').send({ ...entry, ...fields });
const listText = async (slug: string): Promise<string> => (await request(t.app).get(`/letters/${slug}/signatories`).expect(200)).text;

/** The kept counts against a fresh count of the rows: what the triggers must keep equal. */
async function expectKeptCountsRight(letter: LetterRow): Promise<void> {
  const [listed] = await sqlRows<{ n: number }>(t, `SELECT count(*) AS n FROM signatures WHERE letter_id = ${letter.id} AND state = 'approved' AND show_public = ${t.config.databaseUrl ? 'true' : '1'}`);
  expect((await reloadLetter(t.ctx, letter.slug)).countListed).toBe(Number(listed?.n));
  const groups = await sqlRows<{ organisation_group: string; n: number }>(t, `SELECT organisation_group, count(*) AS n FROM signatures WHERE letter_id = ${letter.id} AND listed AND organisation_group IS NOT NULL GROUP BY organisation_group ORDER BY organisation_group`);
  const kept = await sqlRows<{ organisation_group: string; listed: number }>(t, `SELECT organisation_group, listed FROM letter_organisation_counts WHERE letter_id = ${letter.id} ORDER BY organisation_group`);
  expect(kept.map((row) => [row.organisation_group, Number(row.listed)])).toEqual(groups.map((row) => [row.organisation_group, Number(row.n)]));
}

describe('a signer edits their own entry', () => {
  it('when a signer on a post-moderated letter opens the link from the thank-you mail and changes the role, then the list shows it at once and the edit is audited', async () => {
    const letter = await buildLetter(t.ctx, { moderation: 'post' });
    const token = await signedWithEditLink(letter, 'grace@example.org');
    const form = await request(t.app).get(`/signatures/edit/${token}`).expect(200);
    expect(form.headers['referrer-policy']).toBe('no-referrer');
    expect(form.text).toContain('value="Rear Admiral"');
    expect(form.text).toContain('grace@example.org');
    expect(form.text).not.toMatch(/name="email"/);
    const saved = await editEntry(token, { title: 'Computer Scientist', email: 'mallory@example.org' }).expect(200);
    expect(saved.text).toContain('Your entry was saved');
    const list = await listText(letter.slug);
    expect(list).toContain('Computer Scientist');
    expect(list).not.toContain('Rear Admiral');
    expect((await signatureByEmail(t.ctx, 'grace@example.org'))?.email).toBe('grace@example.org');
    expect(await signatureByEmail(t.ctx, 'mallory@example.org')).toBeUndefined();
    expect((await auditRows(t, 'signature.edit'))[0]).toMatchObject({ subject: `letter:${letter.slug}`, details: { changed: ['title'], waitsForModeration: false } });
    await expectKeptCountsRight(letter);
  });

  it('when a listed signer on a pre-moderated letter changes their name, then the old entry stays listed until a moderator approves the change from the queue, which shows before and after', async () => {
    const { letter, token, moderator, signature } = await listedOnPreModeratedLetter();
    expect(await listText(letter.slug)).toContain('Grace Hopper');

    const waiting = await editEntry(token, { name: 'Amazing Grace', organisation: 'Harvard' }).expect(200);
    expect(waiting.text).toContain('Your change waits for the organisers');
    let list = await listText(letter.slug);
    expect(list).toContain('Grace Hopper');
    expect(list).not.toContain('Amazing Grace');
    expect((await signatureByEmail(t.ctx, 'grace@example.org'))?.state).toBe('approved');
    expect((await request(t.app).get(`/signatures/edit/${token}`).expect(200)).text).toContain('id="edit-waiting"');

    const queue = (await moderator.agent.get(`/admin/letters/${letter.slug}/signatures`).expect(200)).text;
    const [, editId] = queue.match(/data-edit-id="(\d+)"/) ?? [];
    expect(queue).toMatch(/class="edit-before">Grace Hopper, Rear Admiral, Navy Labs/);
    expect(queue).toMatch(/class="edit-after">Amazing Grace, Rear Admiral, Harvard/);
    await moderator.post(`/admin/letters/${letter.slug}/signatures/edits`, { edits: String(editId), action: 'approve' }).expect(303);
    list = await listText(letter.slug);
    expect(list).toContain('Amazing Grace');
    expect(list).not.toContain('Grace Hopper');
    expect(await sqlRows(t, 'SELECT id FROM signature_edits')).toEqual([]);
    expect((await auditRows(t, 'signature_edits.moderate'))[0]).toMatchObject({ details: { action: 'approve', signatureIds: [signature?.id] } });
    await expectKeptCountsRight(letter);
  });

  it('when a moderator rejects a waiting change, then the entry stays as it was and the change is gone', async () => {
    const { letter, token, moderator } = await listedOnPreModeratedLetter();
    await editEntry(token, { name: 'Someone Else' }).expect(200);
    const [edit] = await sqlRows<{ id: number }>(t, 'SELECT id FROM signature_edits');
    await moderator.post(`/admin/letters/${letter.slug}/signatures/edits`, { edits: String(edit?.id), action: 'reject' }).expect(303);
    expect(await listText(letter.slug)).toContain('Grace Hopper');
    expect((await signatureByEmail(t.ctx, 'grace@example.org'))?.name).toBe('Grace Hopper');
    expect(await sqlRows(t, 'SELECT id FROM signature_edits')).toEqual([]);
  });

  it('when a verified signer moves to another organisation, then the verified mark goes and the organisation counts follow', async () => {
    await createOrganisation(t.ctx, { name: 'Acme', domains: ['acme.example'], actor: SYSTEM_ACTOR });
    const other = await createOrganisation(t.ctx, { name: 'Globex', domains: ['globex.example'], actor: SYSTEM_ACTOR });
    const letter = await buildLetter(t.ctx, { moderation: 'post' });
    const token = await signedWithEditLink(letter, 'grace@acme.example', { organisation: 'Acme' });
    expect(await signatureByEmail(t.ctx, 'grace@acme.example')).toMatchObject({ affiliationVerified: true });
    await editEntry(token, { organisation: 'Globex' }).expect(200);
    expect(await signatureByEmail(t.ctx, 'grace@acme.example')).toMatchObject({ organisationId: other.id, affiliationVerified: false, state: 'approved' });
    await expectKeptCountsRight(letter);
    await editEntry(token, { organisation: 'ACME' }).expect(200);
    expect(await signatureByEmail(t.ctx, 'grace@acme.example')).toMatchObject({ affiliationVerified: true });
    await editEntry(token, { public: 'no' }).expect(200);
    expect(await listText(letter.slug)).not.toContain('Grace Hopper');
    await expectKeptCountsRight(letter);
  });

  it.each([
    ['an empty name', { name: '' }, 'name', 'Enter your name'],
    ['a name of 121 characters', { name: 'a'.repeat(121) }, 'name', '120 characters or fewer'],
    ['a bidi override in the organisation', { organisation: 'Acme\u202Eevil' }, 'organisation', 'not allowed'],
    ['a comment of 1001 characters', { comment: 'c'.repeat(1001) }, 'comment', '1000 characters or fewer'],
  ])('when the edit form is sent with %s, then it comes back with a 422 next to the field and nothing changes', async (_case, fields, field, message) => {
    const letter = await buildLetter(t.ctx, { moderation: 'post' });
    const token = await signedWithEditLink(letter, 'grace@example.org');
    const before = await signatureByEmail(t.ctx, 'grace@example.org');
    const response = await editEntry(token, fields).expect(422);
    expect(response.text).toMatch(new RegExp(`id="error-${field}"[^>]*>[\\s\\S]*?${message}`));
    expect(await signatureByEmail(t.ctx, 'grace@example.org')).toEqual(before);
    expect(await auditRows(t, 'signature.edit')).toEqual([]);
  });

  it('when the edit link is of a withdrawn, a rejected or no signature, then it answers 410 or 404 with a clear page, never a 500', async () => {
    const letter = await buildLetter(t.ctx, { moderation: 'post' });
    const withdrawn = await signedWithEditLink(letter, 'gone@example.org');
    await request(t.app).post(`/signatures/withdraw/${await tokenFromOutbox(t.ctx, 'gone@example.org', 'withdraw')}`).expect(200);
    expect((await request(t.app).get(`/signatures/edit/${withdrawn}`).expect(410)).text).toContain('This signature was withdrawn');
    await editEntry(withdrawn, {}).expect(410);

    const rejected = await signedWithEditLink(letter, 'rejected@example.org');
    const moderator = await loginAs(t, 'moderator');
    await moderator.post(`/admin/letters/${letter.slug}/signatures/moderate`, { ids: String((await signatureByEmail(t.ctx, 'rejected@example.org'))?.id), action: 'reject' }).expect(303);
    expect((await request(t.app).get(`/signatures/edit/${rejected}`).expect(410)).text).toContain('can no longer be edited');

    await request(t.app).get(`/signatures/edit/${'A'.repeat(43)}`).expect(404);
    await request(t.app).get('/signatures/edit/not-a-token').expect(404);
    await editEntry('B'.repeat(43), {}).expect(404);
  });

  it('when a page of another site posts the edit form, then it is refused with a 403 and nothing changes', async () => {
    const letter = await buildLetter(t.ctx, { moderation: 'post' });
    const token = await signedWithEditLink(letter, 'grace@example.org');
    await request(t.app).post(`/signatures/edit/${token}`).set('Origin', 'https://evil.example').type('form').send({ ...entry, name: 'Hijacked' }).expect(403);
    await request(t.app).post(`/signatures/edit/${token}`).set('Sec-Fetch-Site', 'cross-site').type('form').send({ ...entry, name: 'Hijacked' }).expect(403);
    expect((await signatureByEmail(t.ctx, 'grace@example.org'))?.name).toBe('Grace Hopper');
  });
});

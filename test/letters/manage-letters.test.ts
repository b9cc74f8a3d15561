import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { buildLetter, postSignature, reloadLetter, signatureByEmail, signForm, tokenFromOutbox } from '../helpers/factories.js';
import { signedInAs } from '../helpers/signed-in.js';
import { sqlRows } from '../helpers/database.js';

const owner = signedInAs('owner');
const { t } = owner;

const fields = (overrides: Record<string, string> = {}) => ({
  slug: 'stop-the-rule',
  title: 'Stop the rule',
  summary: 'We ask the ministry to think again.',
  body: 'To the Minister,\n\nWe ask you to **think again**.',
  moderation: 'pre',
  opens_at: '',
  closes_at: '',
  intent: 'save',
  ...overrides,
});
const create = (overrides: Record<string, string> = {}) => owner.post('/admin/letters', fields(overrides));
const edit = (slug: string, overrides: Record<string, string> = {}) => owner.post(`/admin/letters/${slug}`, fields({ slug, ...overrides }));
const setStatus = (slug: string, status: string) => owner.post(`/admin/letters/${slug}/status`, { status });
const versions = (letterId: number) =>
  sqlRows<{ number: number; title: string; body: string; sha256: string; published_at: number }>(t, 'SELECT number, title, body, sha256, published_at FROM letter_versions WHERE letter_id = ? ORDER BY number', letterId);
const auditActions = async () => (await sqlRows<{ action: string }>(t, 'SELECT action FROM audit_events ORDER BY id')).map((row) => row.action);

describe('creating a letter', () => {
  it('when an owner creates a letter, then it is a draft the public cannot see, and the creation is audited', async () => {
    const res = await create();
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/letters/stop-the-rule');
    expect(await reloadLetter(t.ctx, 'stop-the-rule')).toMatchObject({ status: 'draft', moderation: 'pre', title: 'Stop the rule' });
    expect((await request(t.app).get('/letters/stop-the-rule')).status).toBe(404);
    expect((await request(t.app).get('/letters/stop-the-rule/versions')).status).toBe(404);
    expect((await request(t.app).get('/letters/stop-the-rule/versions/1')).status).toBe(404);
    expect(await auditActions()).toContain('letter.create');
  });

  it.each([
    ['Stop-The-Rule', 'lower-case'],
    ['stop the rule', 'lower-case'],
    ['-stop', 'lower-case'],
    ['stop--rule', 'lower-case'],
    ['new', 'lower-case'],
    ['', 'lower-case'],
  ])('when the address is "%s", then the form comes back with the rule next to the field', async (slug) => {
    const res = await create({ slug });
    expect(res.status).toBe(422);
    expect(res.text).toContain('id="error-slug"');
    expect(res.text).toContain('Use lower-case letters');
    expect(res.text).toContain('aria-invalid="true"');
    expect(res.text).toContain('We ask you to **think again**.');
  });

  it('when the address is taken, then 409 with the error on the field and nothing stored', async () => {
    const existing = await buildLetter(t.ctx);
    const res = await create({ slug: existing.slug });
    expect(res.status).toBe(409);
    expect(res.text).toContain('Another letter already has this address');
    expect((await reloadLetter(t.ctx, existing.slug)).title).toBe(existing.title);
  });

  it('when Preview is pressed, then the Markdown is rendered on the page and nothing is saved', async () => {
    const res = await create({ intent: 'preview', body: 'Hello *world* <script>alert(1)</script>' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Preview (not saved)');
    expect(res.text).toContain('<em>world</em>');
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect((await owner.agent.get('/admin/letters/stop-the-rule')).status).toBe(404);
  });

  it('when the text is longer than the 16 kB form limit elsewhere, then the letter is still accepted', async () => {
    const body = 'We, the undersigned, ask for change. '.repeat(1500);
    expect(body.length).toBeGreaterThan(50_000);
    await create({ body }).expect(303);
    expect((await reloadLetter(t.ctx, 'stop-the-rule')).body).toBe(body.trim());
  });

  it('when the closing time is before the opening time, then the form says so', async () => {
    const res = await create({ opens_at: '2026-12-01T09:00', closes_at: '2026-11-30T09:00' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('The closing time must be after the opening time');
  });
});

describe('editing and publishing', () => {
  it('when a draft is edited, then its single version is rewritten and the slug may change', async () => {
    await create().expect(303);
    await edit('stop-the-rule', { slug: 'stop-the-export-rule', body: 'Second draft.' }).expect(303);
    const letter = await reloadLetter(t.ctx, 'stop-the-export-rule');
    expect(letter.body).toBe('Second draft.');
    expect(await versions(letter.id)).toEqual([expect.objectContaining({ number: 1, body: 'Second draft.' })]);
  });

  it('when a draft is opened, then it is public, version 1 is dated at opening, and the address can no longer change', async () => {
    await create().expect(303);
    t.clock.advance(20 * 60 * 1000);
    await setStatus('stop-the-rule', 'open').expect(303);
    const letter = await reloadLetter(t.ctx, 'stop-the-rule');
    expect(letter.status).toBe('open');
    expect((await versions(letter.id))[0]?.published_at).toBe(t.clock.now().getTime());
    expect((await request(t.app).get('/letters/stop-the-rule')).status).toBe(200);
    const res = await edit('stop-the-rule', { slug: 'another-address' });
    expect(res.status).toBe(409);
    expect(res.text).toContain('cannot change once the letter has been published');
    expect((await reloadLetter(t.ctx, 'stop-the-rule')).slug).toBe('stop-the-rule');
    expect((await owner.agent.get('/admin/letters/stop-the-rule/edit')).text).toContain('(fixed: the letter has been public)');
  });

  it('when the text of an open letter changes, then a new version is published and each signature keeps the version it signed', async () => {
    const letter = await buildLetter(t.ctx, { moderation: 'post' });
    await postSignature(t.app, letter.slug, signForm({ email: 'early@example.org' })).expect(303);
    const res = await edit(letter.slug, { title: letter.title, summary: letter.summary, moderation: 'post', body: 'A changed text.\n\nWith a new paragraph.' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/letters/${letter.slug}?published=2`);
    expect((await owner.agent.get(res.headers.location as string)).text).toContain('Version 2 of the text is now published');
    await postSignature(t.app, letter.slug, signForm({ email: 'late@example.org' })).expect(303);
    // Confirming after the change does not move the early signer onto the new text.
    await request(t.app).post(`/signatures/confirm/${await tokenFromOutbox(t.ctx, 'early@example.org', 'confirm')}`).expect(200);

    const all = await versions(letter.id);
    expect(all.map((version) => version.number)).toEqual([1, 2]);
    expect(all[0]?.body).toBe(`We, the undersigned, ask for change number ${letter.title.split(' ')[1]}.`);
    expect(all[0]?.sha256).not.toBe(all[1]?.sha256);
    const versionIds = await sqlRows<{ id: number; number: number }>(t, 'SELECT id, number FROM letter_versions WHERE letter_id = ?', letter.id);
    const idOf = (n: number) => versionIds.find((version) => version.number === n)?.id;
    expect(await signatureByEmail(t.ctx, 'early@example.org')).toMatchObject({ versionId: idOf(1), state: 'approved' });
    expect((await signatureByEmail(t.ctx, 'late@example.org'))?.versionId).toBe(idOf(2));
    expect((await request(t.app).get(`/letters/${letter.slug}`)).text).toContain('With a new paragraph.');
  });

  it('when only the settings of an open letter change, then no new version is published', async () => {
    const letter = await buildLetter(t.ctx);
    await edit(letter.slug, { title: letter.title, summary: letter.summary, body: letter.body, moderation: 'post' }).expect(303);
    expect((await reloadLetter(t.ctx, letter.slug)).moderation).toBe('post');
    expect(await versions(letter.id)).toHaveLength(1);
  });

  it('when the opening time is in the future, then the letter shows as scheduled and refuses signatures until then', async () => {
    const letter = await buildLetter(t.ctx);
    const opens = new Date(t.clock.now().getTime() + 2 * 60 * 60 * 1000).toISOString().slice(0, 16);
    await edit(letter.slug, { title: letter.title, summary: letter.summary, body: letter.body, opens_at: opens }).expect(303);
    expect((await request(t.app).get(`/letters/${letter.slug}`)).text).toContain('Not open yet');
    expect((await postSignature(t.app, letter.slug, signForm())).status).toBe(409);
    t.clock.advance(2 * 60 * 60 * 1000);
    expect((await postSignature(t.app, letter.slug, signForm())).status).toBe(303);
  });

  it('when a letter is closed and reopened, then signing stops and starts again; a public letter never becomes a draft', async () => {
    const letter = await buildLetter(t.ctx);
    await setStatus(letter.slug, 'closed').expect(303);
    expect((await postSignature(t.app, letter.slug, signForm())).status).toBe(409);
    expect((await request(t.app).get(`/letters/${letter.slug}`)).text).toContain('This letter is closed');
    await setStatus(letter.slug, 'open').expect(303);
    expect((await postSignature(t.app, letter.slug, signForm())).status).toBe(303);
    expect((await setStatus(letter.slug, 'draft')).status).toBe(422);
    expect((await reloadLetter(t.ctx, letter.slug)).status).toBe('open');
    const statusChanges = await sqlRows<{ details: string }>(t, "SELECT details FROM audit_events WHERE action = 'letter.status' ORDER BY id");
    expect(statusChanges.map((row) => JSON.parse(row.details))).toEqual([{ from: 'open', to: 'closed' }, { from: 'closed', to: 'open' }]);
  });

  it('when a draft is closed straight away, then 409: it has to be opened first', async () => {
    await create().expect(303);
    expect((await setStatus('stop-the-rule', 'closed')).status).toBe(409);
  });

  it('when the letter does not exist, then 404', async () => {
    expect((await owner.agent.get('/admin/letters/no-such-letter')).status).toBe(404);
    expect((await edit('no-such-letter')).status).toBe(404);
  });
});

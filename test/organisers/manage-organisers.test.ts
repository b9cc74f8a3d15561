import { describe, expect, it } from 'vitest';
import { sqlRows } from '../helpers/database.js';
import { loginAs } from '../helpers/organisers.js';
import { signedInAs } from '../helpers/signed-in.js';

const owner = signedInAs('owner');
const { t } = owner;

const organiserRows = () => sqlRows<{ email: string; role: string; password_hash: string }>(t, 'SELECT email, role, password_hash FROM organisers ORDER BY id');
const add = (fields: Record<string, string>) => owner.post('/admin/organisers', { name: 'Grace', role: 'moderator', password: 'a long enough password', ...fields });

describe('owners managing organisers', () => {
  it('when an owner adds an organiser, then they can sign in with that password and the hash is not the password', async () => {
    await add({ email: 'Grace@Example.org' }).expect(303);
    const added = (await organiserRows()).find((row) => row.email === 'grace@example.org');
    expect(added).toMatchObject({ role: 'moderator' });
    expect(added?.password_hash).not.toContain('a long enough password');
    await owner.agent.post('/admin/login').type('form').send({ email: 'grace@example.org', password: 'a long enough password' }).expect(303);
  });

  it('when the email is already an organiser, then 409 with the message next to the email field', async () => {
    await add({ email: 'grace@example.org' }).expect(303);
    const res = await add({ email: 'GRACE@example.org' });
    expect(res.status).toBe(409);
    expect(res.text).toContain('id="error-email"');
    expect(res.text).toContain('already exists');
    expect(res.text).not.toContain('a long enough password');
  });

  it('when the password is under 12 characters, then 422 and nobody is added', async () => {
    const res = await add({ email: 'grace@example.org', password: 'too short' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Password must be at least 12 characters');
    expect(await organiserRows()).toHaveLength(1);
  });

  it('when an owner changes a role, then the new role applies to that organiser\'s very next request', async () => {
    const viewer = await loginAs(t, 'viewer');
    expect((await viewer.agent.get('/admin/audit')).status).toBe(403);
    await owner.agent.post('/admin/organisers/role').type('form').send({ _csrf: owner.csrfToken, email: viewer.organiser.email, role: 'owner' }).expect(303);
    expect((await viewer.agent.get('/admin/audit')).status).toBe(200);
  });

  it('when an organiser is removed, then their session stops working at once', async () => {
    const moderator = await loginAs(t, 'moderator');
    await owner.agent.post('/admin/organisers/remove').type('form').send({ _csrf: owner.csrfToken, email: moderator.organiser.email }).expect(303);
    expect((await moderator.agent.get('/admin')).status).toBe(303);
    expect((await organiserRows()).map((row) => row.email)).not.toContain(moderator.organiser.email);
  });

  it('when the only owner tries to demote or remove themselves, then 409 and they stay owner', async () => {
    const demote = await owner.agent.post('/admin/organisers/role').type('form').send({ _csrf: owner.csrfToken, email: owner.organiser.email, role: 'viewer' });
    expect(demote.status).toBe(409);
    const remove = await owner.agent.post('/admin/organisers/remove').type('form').send({ _csrf: owner.csrfToken, email: owner.organiser.email });
    expect(remove.status).toBe(409);
    expect((await organiserRows())[0]?.role).toBe('owner');
  });
});

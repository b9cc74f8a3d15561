import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { OrganiserRole } from '../../server/organisers/table.js';
import { appPerTest } from '../helpers/app.js';
import { buildLetter, reloadLetter } from '../helpers/factories.js';
import { loginAs, type SignedIn } from '../helpers/organisers.js';

const t = appPerTest();

const newLetterFields = (slug: string) => ({ slug, title: 'A new letter', summary: '', body: 'We ask.', moderation: 'pre', intent: 'save' });

/** Each organiser action, what it needs, and how to try it as a signed-in organiser. */
const ACTIONS: Array<{ name: string; minimum: OrganiserRole; attempt: (who: SignedIn, slug: string) => Promise<request.Response> }> = [
  { name: 'see the dashboard', minimum: 'viewer', attempt: (who) => who.agent.get('/admin') },
  { name: 'list letters', minimum: 'viewer', attempt: (who) => who.agent.get('/admin/letters') },
  { name: 'see a letter', minimum: 'viewer', attempt: (who, slug) => who.agent.get(`/admin/letters/${slug}`) },
  { name: 'open the new-letter form', minimum: 'owner', attempt: (who) => who.agent.get('/admin/letters/new') },
  { name: 'create a letter', minimum: 'owner', attempt: (who) => who.agent.post('/admin/letters').type('form').send({ _csrf: who.csrfToken, ...newLetterFields(`made-by-${who.organiser.role}`) }) },
  { name: 'open the edit form', minimum: 'owner', attempt: (who, slug) => who.agent.get(`/admin/letters/${slug}/edit`) },
  { name: 'edit a letter', minimum: 'owner', attempt: (who, slug) => who.agent.post(`/admin/letters/${slug}`).type('form').send({ _csrf: who.csrfToken, ...newLetterFields(slug), title: `Edited by ${who.organiser.role}` }) },
  { name: 'close a letter', minimum: 'owner', attempt: (who, slug) => who.agent.post(`/admin/letters/${slug}/status`).type('form').send({ _csrf: who.csrfToken, status: 'closed' }) },
  { name: 'see organisers', minimum: 'owner', attempt: (who) => who.agent.get('/admin/organisers') },
  { name: 'add an organiser', minimum: 'owner', attempt: (who) => who.agent.post('/admin/organisers').type('form').send({ _csrf: who.csrfToken, email: `new-${who.organiser.role}@organisers.example`, name: 'New', role: 'viewer', password: 'a long enough password' }) },
  { name: 'read the audit log', minimum: 'owner', attempt: (who) => who.agent.get('/admin/audit') },
];

const RANK: Record<OrganiserRole, number> = { viewer: 0, moderator: 1, owner: 2 };

describe.each(['viewer', 'moderator', 'owner'] as const)('a %s', (role) => {
  for (const action of ACTIONS) {
    const allowed = RANK[role] >= RANK[action.minimum];
    it(`when they try to ${action.name}, then ${allowed ? 'it is allowed' : 'it is refused with 403'}`, async () => {
      const letter = await buildLetter(t.ctx);
      const who = await loginAs(t, role);
      const res = await action.attempt(who, letter.slug);
      if (allowed) {
        expect([200, 303]).toContain(res.status);
      } else {
        expect(res.status).toBe(403);
        expect((await reloadLetter(t.ctx, letter.slug)).status).toBe('open');
        expect((await reloadLetter(t.ctx, letter.slug)).title).toBe(letter.title);
      }
    });
  }

  it('when signed in, then the navigation shows only what the role may use', async () => {
    const who = await loginAs(t, role);
    const page = await who.agent.get('/admin').expect(200);
    expect(page.text.includes('href="/admin/audit"')).toBe(role === 'owner');
    expect(page.text.includes('href="/admin/organisers"')).toBe(role === 'owner');
    expect(page.headers['cache-control']).toBe('no-store');
  });
});

describe('CSRF', () => {
  it('when a form is posted without the token, with a wrong one or with another session\'s, then 403 and nothing changes', async () => {
    const letter = await buildLetter(t.ctx);
    const owner = await loginAs(t, 'owner');
    const other = await loginAs(t, 'owner');
    const close = (token?: string) => owner.agent.post(`/admin/letters/${letter.slug}/status`).type('form').send({ status: 'closed', ...(token === undefined ? {} : { _csrf: token }) });
    for (const token of [undefined, '', 'x'.repeat(43), other.csrfToken, owner.csrfToken.slice(0, -1)]) {
      const res = await close(token);
      expect(res.status).toBe(403);
      expect(res.text).toContain('did not come from this site');
    }
    expect((await reloadLetter(t.ctx, letter.slug)).status).toBe('open');
    expect((await close(owner.csrfToken)).status).toBe(303);
    expect((await reloadLetter(t.ctx, letter.slug)).status).toBe('closed');
  });

  it('when the token comes in the X-CSRF-Token header, then it is accepted', async () => {
    const letter = await buildLetter(t.ctx);
    const owner = await loginAs(t, 'owner');
    await owner.agent.post(`/admin/letters/${letter.slug}/status`).set('X-CSRF-Token', owner.csrfToken).type('form').send({ status: 'closed' }).expect(303);
  });

  it('when a POST under /admin reaches no route at all, then a live session without the token still gets 403', async () => {
    const owner = await loginAs(t, 'owner');
    expect((await owner.agent.post('/admin/no-such-thing').type('form').send({})).status).toBe(403);
    expect((await owner.agent.post('/admin/no-such-thing').type('form').send({ _csrf: owner.csrfToken })).status).toBe(404);
  });

  it('when every organiser page with a form is rendered, then each form carries the session token', async () => {
    const letter = await buildLetter(t.ctx);
    const owner = await loginAs(t, 'owner');
    for (const path of ['/admin', '/admin/letters', `/admin/letters/${letter.slug}`, `/admin/letters/${letter.slug}/edit`, '/admin/letters/new', '/admin/organisers', '/admin/audit']) {
      const page = await owner.agent.get(path).expect(200);
      const posts = page.text.match(/<form method="post"[\s\S]*?<\/form>/g) ?? [];
      expect(posts.length).toBeGreaterThan(0);
      for (const form of posts) expect(form).toContain(`name="_csrf" value="${owner.csrfToken}"`);
    }
  });

  it('when a POST is sent without a session, then it is sent to sign in and nothing changes', async () => {
    const letter = await buildLetter(t.ctx);
    const res = await request(t.app).post(`/admin/letters/${letter.slug}/status`).type('form').send({ status: 'closed' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/login');
    expect((await reloadLetter(t.ctx, letter.slug)).status).toBe('open');
  });

  it('when a JSON client is not signed in, then 401 rather than a redirect', async () => {
    const res = await request(t.app).get('/admin/letters').set('Accept', 'application/json');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { id: 'not_signed_in', message: expect.any(String) } });
  });
});

import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { auditRows } from '../helpers/admin-pages.js';
import { appPerTest } from '../helpers/app.js';
import { buildLetter } from '../helpers/factories.js';
import { loginAs } from '../helpers/organisers.js';

const t = appPerTest();
const FIELDS = { recipient: 'The Minister', deliveredOn: '2026-12-01' };
const deliveryShown = async (slug: string) => (await request(t.app).get(`/letters/${slug}`)).text.includes('delivery-heading');

describe('who may record a delivery', () => {
  it('when an owner posts without the CSRF token, or with another session’s, then 403 and nothing is stored', async () => {
    const letter = await buildLetter(t.ctx);
    const owner = await loginAs(t, 'owner');
    const other = await loginAs(t, 'owner');
    for (const token of [undefined, other.csrfToken]) {
      const res = await owner.agent.post(`/admin/letters/${letter.slug}/delivery`).set('Accept', 'application/json').type('form').send({ ...FIELDS, ...(token ? { _csrf: token } : {}) });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ error: { id: 'csrf_invalid' } });
    }
    expect(await deliveryShown(letter.slug)).toBe(false);
  });

  it.each(['moderator', 'viewer'] as const)('when a %s records or removes a delivery, then 403 and nothing changes', async (role) => {
    const letter = await buildLetter(t.ctx);
    const owner = await loginAs(t, 'owner');
    await owner.post(`/admin/letters/${letter.slug}/delivery`, FIELDS).expect(303);
    const organiser = await loginAs(t, role);
    await organiser.post(`/admin/letters/${letter.slug}/delivery`, { ...FIELDS, recipient: 'Someone else' }).expect(403);
    await organiser.post(`/admin/letters/${letter.slug}/delivery/delete`).expect(403);
    expect((await request(t.app).get(`/letters/${letter.slug}`)).text).toContain('The Minister');
    expect(await auditRows(t, 'delivery.update')).toEqual([]);
    expect(await auditRows(t, 'delivery.remove')).toEqual([]);
  });

  it('when someone who is not signed in opens or posts the delivery page, then they are sent to sign in and nothing is stored', async () => {
    const letter = await buildLetter(t.ctx);
    const page = await request(t.app).get(`/admin/letters/${letter.slug}/delivery`);
    expect(page.status).toBe(303);
    expect(page.headers.location).toMatch(/^\/admin\/login/);
    const post = await request(t.app).post(`/admin/letters/${letter.slug}/delivery`).type('form').send(FIELDS);
    expect([303, 403]).toContain(post.status);
    expect(await deliveryShown(letter.slug)).toBe(false);
  });
});

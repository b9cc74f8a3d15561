import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { appPerTest } from '../helpers/app.js';
import { endorseAndConfirm, endorseFields, endorsementsOf, endorsementTokenFromOutbox, postEndorsement } from '../helpers/endorsements.js';
import { buildLetter } from '../helpers/factories.js';
import { loginAs } from '../helpers/organisers.js';

const t = appPerTest();

const moderatePath = (slug: string) => `/admin/letters/${slug}/endorsements/moderate`;

describe('who may judge endorsements', () => {
  it('when a moderation is posted without the session’s CSRF token, with another session’s, by a viewer or with no session, then it is refused and the endorsement stays pending', async () => {
    const letter = await buildLetter(t.ctx);
    const id = String(await endorseAndConfirm(t, letter.slug, endorseFields()));
    const owner = await loginAs(t, 'owner');
    const otherOwner = await loginAs(t, 'owner');
    const viewer = await loginAs(t, 'viewer');

    await owner.agent.post(moderatePath(letter.slug)).type('form').send({ ids: id, action: 'approve' }).expect(403);
    await owner.agent.post(moderatePath(letter.slug)).type('form').send({ _csrf: otherOwner.csrfToken, ids: id, action: 'approve' }).expect(403);
    await viewer.post(moderatePath(letter.slug), { ids: id, action: 'approve' }).expect(403);
    const anonymous = await request(t.app).post(moderatePath(letter.slug)).type('form').send({ ids: id, action: 'approve' });
    expect([303, 401, 403]).toContain(anonymous.status);
    expect((await endorsementsOf(t.ctx, letter.id))[0]?.state).toBe('pending');

    // A viewer reads the list without the representatives' addresses and without the form.
    const seen = (await viewer.agent.get(`/admin/letters/${letter.slug}/endorsements`).expect(200)).text;
    expect(seen).toContain(`data-endorsement-id="${id}"`);
    expect(seen).not.toMatch(/rosa\d+@openrights/);
    expect(seen).toContain('>@openrights.example<');
    expect(seen).not.toContain('endorsements/moderate');
    await request(t.app).get(`/admin/letters/${letter.slug}/endorsements`).expect((res) => expect([302, 303, 401]).toContain(res.status));

    const moderator = await loginAs(t, 'moderator');
    await moderator.post(moderatePath(letter.slug), { ids: id, action: 'approve' }).expect(303);
    expect((await endorsementsOf(t.ctx, letter.id))[0]?.state).toBe('approved');
  });

  it('when the endorse form is posted from another site or not as a form, then it is refused and nothing is stored', async () => {
    const letter = await buildLetter(t.ctx);
    await postEndorsement(t.app, letter.slug, endorseFields()).set('Sec-Fetch-Site', 'cross-site').expect(403);
    await postEndorsement(t.app, letter.slug, endorseFields()).set('Origin', 'https://evil.example').expect(403);
    await request(t.app).post(`/letters/${letter.slug}/endorsements`).send(endorseFields()).expect(415);
    expect(await endorsementsOf(t.ctx, letter.id)).toEqual([]);
  });

  it('when a confirm link is pressed from another site, then nothing is confirmed', async () => {
    const letter = await buildLetter(t.ctx);
    const fields = endorseFields();
    await postEndorsement(t.app, letter.slug, fields).expect(303);
    await request(t.app).post(`/endorsements/confirm/${await endorsementTokenFromOutbox(t.ctx, fields.email!)}`).set('Sec-Fetch-Site', 'cross-site').expect(403);
    expect((await endorsementsOf(t.ctx, letter.id))[0]?.state).toBe('unconfirmed');
  });
});

import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { organisationAliases, organisationDomains, organisations, signatures } from '../../server/db/schema.js';
import { createOrganisation } from '../../server/organisations/create-organisation.js';
import type { OrganiserRole } from '../../server/organisers/table.js';
import { appPerTest } from '../helpers/app.js';
import { buildLetter, buildSignature } from '../helpers/factories.js';
import { loginAs, type SignedIn } from '../helpers/organisers.js';
import { first } from '../../server/db/database.js';

const t = appPerTest();

interface Fixture {
  slug: string;
  signatureId: number;
  keepId: number;
  removeId: number;
}

async function buildFixture(): Promise<Fixture> {
  const letter = await buildLetter(t.ctx);
  const signature = await buildSignature(t.ctx, letter, { state: 'pending', email: 'ada@acme.example', organisationText: 'Acme', affiliationVerified: true });
  const keep = await createOrganisation(t.ctx, { name: 'Acme', domains: ['acme.example'], actor: SYSTEM_ACTOR });
  const remove = await createOrganisation(t.ctx, { name: 'Acme Labs', actor: SYSTEM_ACTOR });
  return { slug: letter.slug, signatureId: signature.id, keepId: keep.id, removeId: remove.id };
}

/** Everything the new organiser forms can change: equal before and after means nothing changed. */
const snapshot = async () =>
  JSON.stringify([
    await t.ctx.db.select({ id: signatures.id, state: signatures.state, featured: signatures.featured, organisationId: signatures.organisationId, verified: signatures.affiliationVerified }).from(signatures),
    await t.ctx.db.select().from(organisations),
    await t.ctx.db.select().from(organisationAliases),
    await t.ctx.db.select().from(organisationDomains),
  ]);

type Attempt = (who: SignedIn, f: Fixture, token: string | undefined) => Promise<request.Response>;
const form = (token: string | undefined, fields: Record<string, string | string[]>) => (token === undefined ? fields : { _csrf: token, ...fields });

/** Each new organiser page and form, the role it needs, and how to try it. */
const ACTIONS: Array<{ name: string; minimum: OrganiserRole; post: boolean; attempt: Attempt }> = [
  { name: 'read the moderation queue', minimum: 'viewer', post: false, attempt: (who, f) => who.agent.get(`/admin/letters/${f.slug}/signatures`) },
  { name: 'moderate signatures', minimum: 'moderator', post: true, attempt: (who, f, token) => who.agent.post(`/admin/letters/${f.slug}/signatures/moderate`).type('form').send(form(token, { ids: String(f.signatureId), action: 'approve' })) },
  { name: 'see the approve-verified confirmation', minimum: 'moderator', post: false, attempt: (who, f) => who.agent.get(`/admin/letters/${f.slug}/signatures/approve-verified`) },
  { name: 'approve all verified pending', minimum: 'moderator', post: true, attempt: (who, f, token) => who.agent.post(`/admin/letters/${f.slug}/signatures/approve-verified`).type('form').send(form(token, {})) },
  { name: 'read the organisations', minimum: 'viewer', post: false, attempt: (who) => who.agent.get('/admin/organisations') },
  { name: 'read an organisation', minimum: 'viewer', post: false, attempt: (who, f) => who.agent.get(`/admin/organisations/${f.keepId}`) },
  { name: 'create an organisation', minimum: 'moderator', post: true, attempt: (who, _f, token) => who.agent.post('/admin/organisations').type('form').send(form(token, { name: 'Globex', aliases: '', domains: '' })) },
  { name: 'rename an organisation', minimum: 'moderator', post: true, attempt: (who, f, token) => who.agent.post(`/admin/organisations/${f.keepId}/name`).type('form').send(form(token, { name: 'Acme Group' })) },
  { name: 'add an alias', minimum: 'moderator', post: true, attempt: (who, f, token) => who.agent.post(`/admin/organisations/${f.keepId}/aliases`).type('form').send(form(token, { alias: 'ACME Intl' })) },
  { name: 'set domains', minimum: 'moderator', post: true, attempt: (who, f, token) => who.agent.post(`/admin/organisations/${f.keepId}/domains`).type('form').send(form(token, { domains: 'acme.example\nacme.test' })) },
  { name: 'review a merge', minimum: 'moderator', post: false, attempt: (who, f) => who.agent.get(`/admin/organisations/merge?keep=${f.keepId}&remove=${f.removeId}`) },
  { name: 'merge organisations', minimum: 'moderator', post: true, attempt: (who, f, token) => who.agent.post('/admin/organisations/merge').type('form').send(form(token, { keep: String(f.keepId), remove: String(f.removeId) })) },
];

const RANK: Record<OrganiserRole, number> = { viewer: 0, moderator: 1, owner: 2 };

describe.each(['viewer', 'moderator', 'owner'] as const)('a %s', (role) => {
  for (const action of ACTIONS) {
    const allowed = RANK[role] >= RANK[action.minimum];
    it(`when they try to ${action.name}, then ${allowed ? 'it is allowed' : 'it is refused with 403 and nothing changes'}`, async () => {
      const fixture = await buildFixture();
      const who = await loginAs(t, role);
      const before = await snapshot();
      const res = await action.attempt(who, fixture, who.csrfToken);
      if (allowed) {
        expect(res.status).toBe(action.post ? 303 : 200);
        if (action.post) expect(await snapshot()).not.toBe(before);
      } else {
        expect(res.status).toBe(403);
        expect(await snapshot()).toBe(before);
      }
    });
  }
});

describe('CSRF on the new forms', () => {
  for (const action of ACTIONS.filter((candidate) => candidate.post)) {
    it(`when an owner's form to ${action.name} comes without the token or with a wrong one, then 403 and nothing changes`, async () => {
      const fixture = await buildFixture();
      const owner = await loginAs(t, 'owner');
      const before = await snapshot();
      for (const token of [undefined, '', `${owner.csrfToken.slice(0, -1)}x`]) {
        const res = await action.attempt(owner, fixture, token);
        expect(res.status).toBe(403);
        expect(res.text).toContain('did not come from this site');
      }
      expect(await snapshot()).toBe(before);
    });
  }
});

describe('signed out', () => {
  it('when nobody is signed in, then the queue and the organisations send the browser to sign in', async () => {
    const fixture = await buildFixture();
    for (const path of [`/admin/letters/${fixture.slug}/signatures`, '/admin/organisations', `/admin/organisations/${fixture.keepId}`]) {
      const res = await request(t.app).get(path).expect(303);
      expect(res.headers.location).toBe(`/admin/login?next=${encodeURIComponent(path)}`);
    }
    await request(t.app).post(`/admin/letters/${fixture.slug}/signatures/moderate`).type('form').send({ ids: String(fixture.signatureId), action: 'approve' }).expect(303);
    expect((await first(t.ctx.db.select({ state: signatures.state }).from(signatures)))?.state).toBe('pending');
  });
});

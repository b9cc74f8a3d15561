import { first } from '../../server/db/database.js';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { organisations, signatures } from '../../server/db/schema.js';
import { createOrganisation } from '../../server/organisations/create-organisation.js';
import { auditRows, statusMessage } from '../helpers/admin-pages.js';
import { buildLetter, buildSignature } from '../helpers/factories.js';
import { loginAs } from '../helpers/organisers.js';
import { signedInAs } from '../helpers/signed-in.js';

const moderator = signedInAs('moderator');
const { t } = moderator;

const reload = async (id: number) => (await first(t.ctx.db.select().from(signatures).where(eq(signatures.id, id))))!;
const allOrganisations = async () => (await t.ctx.db.select().from(organisations));
const detailField = (html: string, name: string) => html.match(new RegExp(`data-(?:field|count)="${name}">([^<]*)<`))?.[1];

/** Follows a redirect and returns the page's status message. */
async function outcomeOf(res: request.Response): Promise<string | undefined> {
  expect(res.status).toBe(303);
  return statusMessage((await moderator.agent.get(res.headers.location!).expect(200)).text);
}

/** A confirmed signer at `email` who typed `organisation`. */
const signer = (letter: Awaited<ReturnType<typeof buildLetter>>, email: string, organisation: string) =>
  buildSignature(t.ctx, letter, { state: 'approved', email, emailDomain: email.split('@')[1], organisationText: organisation });

describe('creating an organisation through the admin page', () => {
  it('when a moderator creates one with aliases and domains, then typed spellings match it, addresses there are verified, and it is listed and audited', async () => {
    const letter = await buildLetter(t.ctx);
    const byName = await signer(letter, 'a@acme.example', 'ACME Corp.');
    const byAlias = await signer(letter, 'b@mail.acme.example', 'Road Runner Watch');
    const elsewhere = await signer(letter, 'c@gmail.com', 'Acme');

    const res = await moderator.post('/admin/organisations', { name: 'Acme', aliases: 'Road-Runner Watch\n\n', domains: '@acme.example\n' });
    expect(await outcomeOf(res)).toContain('Organisation created');
    const [acme] = await allOrganisations();
    expect(res.headers.location).toBe(`/admin/organisations/${acme!.id}?done=created`);
    expect((await Promise.all([byName, byAlias, elsewhere].map(async (s) => [(await reload(s.id)).organisationId, (await reload(s.id)).affiliationVerified])))).toEqual([[acme!.id, true], [acme!.id, true], [acme!.id, false]]);

    const list = (await moderator.agent.get('/admin/organisations').expect(200)).text;
    const row = list.match(new RegExp(`<tr data-organisation-id="${acme!.id}">[\\s\\S]*?</tr>`))?.[0] ?? '';
    expect(row).toContain('Road-Runner Watch');
    expect(row).toContain('acme.example');
    expect(row).toContain('data-count="signatures">3<');
    expect(row).toContain('data-count="verified">2<');
    expect((await auditRows(t, 'organisation.create'))[0]).toMatchObject({ actor: `${moderator.organiser.name} <${moderator.organiser.email}>` });
    const publicList = (await request(t.app).get(`/letters/${letter.slug}/signatories`).expect(200)).text;
    expect(publicList.match(/confirmed an address at acme\.example</g)).toHaveLength(2);
  });

  it('when the name is empty or taken, or a domain is a public mail service, then the form comes back with the error next to the field and nothing is created', async () => {
    await createOrganisation(t.ctx, { name: 'Globex', actor: SYSTEM_ACTOR });
    const cases: Array<[Record<string, string>, number, string, string]> = [
      [{ name: '  ', aliases: '', domains: '' }, 422, 'name', 'Enter the organisation&#39;s name'],
      [{ name: 'GLOBEX Inc.', aliases: '', domains: '' }, 409, 'name', 'already matches the organisation Globex'],
      [{ name: 'Initech', aliases: '', domains: 'initech.example\ngmail.com' }, 422, 'domains', 'gmail.com is a public mail service'],
      [{ name: 'Initech', aliases: '', domains: 'not a domain!' }, 422, 'domains', 'is not a domain name'],
    ];
    for (const [fields, status, field, message] of cases) {
      const res = await moderator.post('/admin/organisations', fields);
      expect(res.status, JSON.stringify(fields)).toBe(status);
      expect(res.text).toMatch(new RegExp(`id="error-${field}"><span class="visually-hidden">Error:</span> [^<]*${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      expect(res.text).toContain(`aria-invalid="true"`);
    }
    expect((await allOrganisations()).map((o) => o.name)).toEqual(['Globex']);
  });
});

describe('changing an organisation through its page', () => {
  it('when renamed, then the old name stays an alias; a taken name is refused with nothing changed', async () => {
    const acme = await createOrganisation(t.ctx, { name: 'Acme', actor: SYSTEM_ACTOR });
    await createOrganisation(t.ctx, { name: 'Globex', actor: SYSTEM_ACTOR });
    expect(await outcomeOf(await moderator.post(`/admin/organisations/${acme.id}/name`, { name: 'Acme Group' }))).toBe('Renamed. The old name stays as an alias, so signers who type it still match.');
    const page = (await moderator.agent.get(`/admin/organisations/${acme.id}`).expect(200)).text;
    expect(page).toContain('<h1>Acme Group</h1>');
    expect(detailField(page, 'aliases')).toBe('Acme');

    const taken = await moderator.post(`/admin/organisations/${acme.id}/name`, { name: 'globex' }).expect(409);
    expect(taken.text).toContain('already matches the organisation Globex');
    expect(taken.text).toContain('value="globex"');
    expect((await allOrganisations()).map((o) => o.name).sort()).toEqual(['Acme Group', 'Globex']);
    expect(await auditRows(t, 'organisation.rename')).toHaveLength(1);
  });

  it('when an alias is added, then the page says how many more signatures match', async () => {
    const letter = await buildLetter(t.ctx);
    const acme = await createOrganisation(t.ctx, { name: 'Acme', actor: SYSTEM_ACTOR });
    const typed = await signer(letter, 'x@example.org', 'Acme Rockets');
    expect(await outcomeOf(await moderator.post(`/admin/organisations/${acme.id}/aliases`, { alias: 'ACME rockets' }))).toBe('Alias added; 1 signature more now matches this organisation.');
    expect((await reload(typed.id)).organisationId).toBe(acme.id);
    expect((await moderator.post(`/admin/organisations/${acme.id}/aliases`, { alias: ' ' }).expect(422)).text).toContain('Enter the other name');
  });

  it('when the domains are set, then the page says how many signatures became verified and how many lost it, and the public list follows', async () => {
    const letter = await buildLetter(t.ctx);
    const a = await signer(letter, 'a@acme.example', 'Acme');
    const b = await signer(letter, 'b@eu.acme.example', 'Acme');
    const old = await signer(letter, 'c@old-acme.example', 'Acme');
    const lookalike = await signer(letter, 'd@acme.example.evil.io', 'Acme');
    const acme = await createOrganisation(t.ctx, { name: 'Acme', domains: ['old-acme.example'], actor: SYSTEM_ACTOR });
    await createOrganisation(t.ctx, { name: 'Ignored', actor: SYSTEM_ACTOR });
    expect((await reload(old.id)).affiliationVerified).toBe(true);

    const message = await outcomeOf(await moderator.post(`/admin/organisations/${acme.id}/domains`, { domains: 'acme.example\r\n\r\nhttps://www.acme.example/\r\n' }));
    expect(message).toBe('Domains saved: 2 signatures became verified, 1 signature no longer verified.');
    expect((await Promise.all([a, b, old, lookalike].map(async (s) => (await reload(s.id)).affiliationVerified)))).toEqual([true, true, false, false]);
    const page = (await moderator.agent.get(`/admin/organisations/${acme.id}`).expect(200)).text;
    expect(detailField(page, 'domains')).toBe('acme.example');
    expect(detailField(page, 'verified')).toBe('2');
    expect((await request(t.app).get(`/letters/${letter.slug}/signatories`)).text.match(/confirmed an address at acme\.example</g)).toHaveLength(2);

    const refused = await moderator.post(`/admin/organisations/${acme.id}/domains`, { domains: 'acme.example\nyahoo.com' }).expect(422);
    expect(refused.text).toContain('yahoo.com is a public mail service');
    expect(refused.text).toContain('acme.example\nyahoo.com</textarea>');
    expect(await outcomeOf(await moderator.post(`/admin/organisations/${acme.id}/domains`, { domains: '' }))).toBe('Domains saved: 0 signatures became verified, 2 signatures no longer verified.');
    expect((await auditRows(t, 'organisation.domains')).map((row) => row.details)).toMatchObject([{ after: ['acme.example'], verified: 2, unverified: 1 }, { after: [], verified: 0, unverified: 2 }]);
  });

  it('when the organisation does not exist or the id is not a number, then 404', async () => {
    await moderator.agent.get('/admin/organisations/999').expect(404);
    await moderator.agent.get('/admin/organisations/abc').expect(404);
    await moderator.post('/admin/organisations/999/name', { name: 'Nope' }).expect(404);
  });
});

describe('merging two organisations', () => {
  it('when a moderator reviews a merge, then the page shows what moves and nothing changes until they confirm; then signatures, aliases and domains move', async () => {
    const letter = await buildLetter(t.ctx);
    const moving = [await signer(letter, 'a@nvresearch.example', 'NVIDIA Research'), await signer(letter, 'b@nvidia.com', 'NVR')];
    const keep = await createOrganisation(t.ctx, { name: 'Nvidia', domains: ['nvidia.com'], actor: SYSTEM_ACTOR });
    const remove = await createOrganisation(t.ctx, { name: 'NVIDIA Research', aliases: ['NVR'], domains: ['nvresearch.example'], actor: SYSTEM_ACTOR });
    expect((await Promise.all(moving.map(async (s) => (await reload(s.id)).affiliationVerified)))).toEqual([true, false]);

    const preview = await moderator.agent.get(`/admin/organisations/merge?keep=${keep.id}&remove=${remove.id}`).expect(200);
    expect(preview.text).toContain('data-count="moving">2<');
    expect(preview.text).toContain('its aliases (NVR)');
    expect(preview.text).toContain('nvresearch.example');
    expect(await allOrganisations()).toHaveLength(2);

    expect(await outcomeOf(await moderator.post('/admin/organisations/merge', { keep: String(keep.id), remove: String(remove.id) }))).toBe('Merged: 2 signatures moved to this organisation.');
    expect((await allOrganisations()).map((o) => o.name)).toEqual(['Nvidia']);
    expect((await Promise.all(moving.map(async (s) => [(await reload(s.id)).organisationId, (await reload(s.id)).affiliationVerified])))).toEqual([[keep.id, true], [keep.id, true]]);
    const page = (await moderator.agent.get(`/admin/organisations/${keep.id}`).expect(200)).text;
    expect(detailField(page, 'aliases')).toBe('NVIDIA Research, NVR');
    expect(detailField(page, 'domains')).toBe('nvidia.com, nvresearch.example');
    await moderator.agent.get(`/admin/organisations/${remove.id}`).expect(404);
    expect((await auditRows(t, 'organisation.merge'))[0]?.details).toMatchObject({ signaturesMoved: 2 });
  });

  it('when the two are the same, one is missing or unknown, then 4xx with a message and nothing merges', async () => {
    const a = await createOrganisation(t.ctx, { name: 'Alpha', actor: SYSTEM_ACTOR });
    const b = await createOrganisation(t.ctx, { name: 'Beta', actor: SYSTEM_ACTOR });
    const same = await moderator.agent.get(`/admin/organisations/merge?keep=${a.id}&remove=${a.id}`).expect(422);
    expect(same.text).toContain('Choose two different organisations to merge.');
    expect((await moderator.agent.get(`/admin/organisations/merge?keep=${a.id}`).expect(422)).text).toContain('Choose the organisation to merge into it');
    await moderator.post('/admin/organisations/merge', { keep: String(a.id), remove: String(a.id) }).expect(422);
    await moderator.post('/admin/organisations/merge', { keep: String(a.id), remove: 'x' }).expect(422);
    await moderator.post('/admin/organisations/merge', { keep: String(a.id), remove: '424242' }).expect(404);
    expect((await allOrganisations()).map((o) => o.id).sort()).toEqual([a.id, b.id].sort());
    expect(await auditRows(t, 'organisation.merge')).toEqual([]);
  });
});

describe('a viewer on the organisations pages', () => {
  it('when a viewer reads them, then they see the organisations but no form to change them', async () => {
    const acme = await createOrganisation(t.ctx, { name: 'Acme', actor: SYSTEM_ACTOR });
    await createOrganisation(t.ctx, { name: 'Globex', actor: SYSTEM_ACTOR });
    const viewer = await loginAs(t, 'viewer');
    const list = (await viewer.agent.get('/admin/organisations').expect(200)).text;
    expect(list).toContain(`href="/admin/organisations/${acme.id}"`);
    expect(list).not.toContain('<form method="post" action="/admin/organisations"');
    expect(list).not.toContain('/admin/organisations/merge');
    const detail = (await viewer.agent.get(`/admin/organisations/${acme.id}`).expect(200)).text;
    expect(detail).not.toContain(`action="/admin/organisations/${acme.id}/`);
  });
});

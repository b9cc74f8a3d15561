import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { addAlias } from '../../server/organisations/add-alias.js';
import { createOrganisation } from '../../server/organisations/create-organisation.js';
import { appPerTest } from '../helpers/app.js';
import { buildLetter, buildSignature } from '../helpers/factories.js';

const t = appPerTest();

const namesIn = async (path: string): Promise<string[]> =>
  ((await request(t.app).get(path).expect(200)).body.signatories as Array<{ name: string }>).map((s) => s.name);

describe('searching and filtering the public list', () => {
  it('when readers search by name, role or organisation, then only listed matches come back, wildcards taken literally', async () => {
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { state: 'approved', name: 'Ada Lovelace', title: 'Mathematician', organisationText: 'Analytical Engines' });
    await buildSignature(t.ctx, letter, { state: 'approved', name: 'Grace Hopper', title: 'Rear Admiral', organisationText: 'US Navy' });
    await buildSignature(t.ctx, letter, { state: 'approved', name: '100% Sure', title: '', organisationText: '' });
    await buildSignature(t.ctx, letter, { state: 'pending', name: 'Ada Pending', organisationText: 'Analytical Engines' });
    const base = `/api/letters/${letter.slug}/signatories`;
    expect(await namesIn(`${base}?q=ada`)).toEqual(['Ada Lovelace']);
    expect(await namesIn(`${base}?q=admiral`)).toEqual(['Grace Hopper']);
    expect(await namesIn(`${base}?q=analytical`)).toEqual(['Ada Lovelace']);
    expect(await namesIn(`${base}?q=%25`)).toEqual(['100% Sure']);
    expect(await namesIn(`${base}?q=_`)).toEqual([]);
  });

  it('when readers filter by organisation, then every spelling of a matched organisation (name, alias, typed variant) selects the same signers', async () => {
    const letter = await buildLetter(t.ctx);
    const nvidia = await createOrganisation(t.ctx, { name: 'NVIDIA', actor: SYSTEM_ACTOR });
    await addAlias(t.ctx, { id: nvidia.id, alias: 'Team Green', actor: SYSTEM_ACTOR });
    await buildSignature(t.ctx, letter, { state: 'approved', name: 'Jensen', organisationText: 'Nvidia Corp', organisationId: nvidia.id });
    await buildSignature(t.ctx, letter, { state: 'approved', name: 'Bill', organisationText: 'team green', organisationId: nvidia.id });
    await buildSignature(t.ctx, letter, { state: 'approved', name: 'Lisa', organisationText: 'AMD Inc.' });
    await buildSignature(t.ctx, letter, { state: 'approved', name: 'Jim', organisationText: 'amd' });
    await buildSignature(t.ctx, letter, { state: 'approved', name: 'Pat', organisationText: 'Intel' });
    const base = `/api/letters/${letter.slug}/signatories?organisation=`;
    for (const spelling of ['NVIDIA', 'nvidia corporation', 'Team-Green']) {
      expect((await namesIn(base + encodeURIComponent(spelling))).sort(), spelling).toEqual(['Bill', 'Jensen']);
    }
    expect((await namesIn(`${base}AMD`)).sort()).toEqual(['Jim', 'Lisa']);
    expect(await namesIn(`${base}Unknown`)).toEqual([]);
  });
});

describe('the organisation breakdown', () => {
  it('when listed signers come from several organisations, then the largest come first with "from N organisations", and unlisted signers are not counted', async () => {
    const letter = await buildLetter(t.ctx);
    const nvidia = await createOrganisation(t.ctx, { name: 'NVIDIA', actor: SYSTEM_ACTOR });
    for (const text of ['Nvidia', 'NVIDIA Corp.', 'nvidia']) await buildSignature(t.ctx, letter, { state: 'approved', organisationText: text, organisationId: nvidia.id });
    for (const text of ['AMD Inc.', 'amd']) await buildSignature(t.ctx, letter, { state: 'approved', organisationText: text });
    await buildSignature(t.ctx, letter, { state: 'approved', organisationText: 'Intel' });
    await buildSignature(t.ctx, letter, { state: 'approved', organisationText: '' });
    await buildSignature(t.ctx, letter, { state: 'approved', showPublic: false, organisationText: 'Hidden Co' });
    await buildSignature(t.ctx, letter, { state: 'pending', organisationText: 'Pending Ltd' });
    const api = await request(t.app).get(`/api/letters/${letter.slug}`).expect(200);
    expect(api.body.organisations).toEqual({ total: 3, top: [{ name: 'NVIDIA', listed: 3 }, { name: 'AMD Inc.', listed: 2 }, { name: 'Intel', listed: 1 }] });
    const page = await request(t.app).get(`/letters/${letter.slug}/signatories`).expect(200);
    expect(page.text).toContain('From 3 organisations');
    expect(page.text).toContain(`<a href="/letters/${letter.slug}/signatories?organisation=AMD%20Inc.">AMD Inc.</a>`);
    expect(page.text).not.toContain('Hidden Co');
  });
});

import { first } from '../../server/db/database.js';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { auditEvents, letterOrganisationCounts, organisations, signatures } from '../../server/db/schema.js';
import { addAlias } from '../../server/organisations/add-alias.js';
import { createOrganisation } from '../../server/organisations/create-organisation.js';
import { mergeOrganisations } from '../../server/organisations/merge-organisations.js';
import { listOrganisations } from '../../server/organisations/overview.js';
import { renameOrganisation } from '../../server/organisations/rename-organisation.js';
import { setOrganisationDomains } from '../../server/organisations/set-organisation-domains.js';
import { appPerTest } from '../helpers/app.js';
import { buildLetter, buildSignature, postSignature, signAndConfirm, signatureByEmail, signForm } from '../helpers/factories.js';

const t = appPerTest();

const actor = SYSTEM_ACTOR;
const reload = async (id: number) => (await first(t.ctx.db.select().from(signatures).where(eq(signatures.id, id))))!;
const auditActions = async () => (await t.ctx.db.select().from(auditEvents)).map((event) => event.action);

describe('matching typed organisations', () => {
  it('when a signer types "NVIDIA Corp." and the organisation is "Nvidia", then the signature matches it', async () => {
    const nvidia = await createOrganisation(t.ctx, { name: 'Nvidia', actor });
    const letter = await buildLetter(t.ctx);
    await postSignature(t.app, letter.slug, signForm({ email: 'a@example.org', organisation: 'NVIDIA Corp.' })).expect(303);
    await postSignature(t.app, letter.slug, signForm({ email: 'b@example.org', organisation: 'Unknown Labs' })).expect(303);
    expect(await signatureByEmail(t.ctx, 'a@example.org')).toMatchObject({ organisationId: nvidia.id, organisationText: 'NVIDIA Corp.', organisationKey: 'nvidia' });
    expect(await signatureByEmail(t.ctx, 'b@example.org')).toMatchObject({ organisationId: null, organisationKey: 'unknown labs' });
  });

  it('when an organisation is created or given an alias, then unmatched signatures typed that way match it', async () => {
    const letter = await buildLetter(t.ctx);
    const typedName = await buildSignature(t.ctx, letter, { organisationText: 'nvidia corporation' });
    const typedAlias = await buildSignature(t.ctx, letter, { organisationText: 'Team Green' });
    const other = await buildSignature(t.ctx, letter, { organisationText: 'Nvidia Research' });
    const nvidia = await createOrganisation(t.ctx, { name: 'NVIDIA', actor });
    expect((await reload(typedName.id)).organisationId).toBe(nvidia.id);
    expect((await reload(typedAlias.id)).organisationId).toBeNull();
    expect(await addAlias(t.ctx, { id: nvidia.id, alias: 'Team-Green', actor })).toEqual({ linked: 1 });
    expect((await reload(typedAlias.id)).organisationId).toBe(nvidia.id);
    expect((await reload(other.id)).organisationId).toBeNull();
    expect(await auditActions()).toEqual(['organisation.create', 'organisation.alias.add']);
  });

  it('when a name or alias already matches another organisation, then 409 and nothing changes', async () => {
    const nvidia = await createOrganisation(t.ctx, { name: 'Nvidia', aliases: ['Team Green'], actor });
    const amd = await createOrganisation(t.ctx, { name: 'AMD', actor });
    await expect(createOrganisation(t.ctx, { name: 'NVIDIA Corp.', actor })).rejects.toThrow(expect.objectContaining({ status: 409, id: 'organisation_name_taken' }));
    await expect(addAlias(t.ctx, { id: amd.id, alias: 'team green', actor })).rejects.toThrow(expect.objectContaining({ status: 409 }));
    await expect(renameOrganisation(t.ctx, { id: amd.id, name: 'Nvidia Inc', actor })).rejects.toThrow(expect.objectContaining({ status: 409 }));
    await expect(createOrganisation(t.ctx, { name: ' ... ', actor })).rejects.toThrow(expect.objectContaining({ status: 422 }));
    expect((await listOrganisations(t.ctx.db)).map((o) => [o.name, o.aliases])).toEqual([['AMD', []], ['Nvidia', ['Team Green']]]);
    expect(nvidia.id).not.toBe(amd.id);
  });

  it('when an organisation is renamed, then the old name becomes an alias and still matches new signers', async () => {
    const facebook = await createOrganisation(t.ctx, { name: 'Facebook', actor });
    const renamed = await renameOrganisation(t.ctx, { id: facebook.id, name: 'Meta Platforms', actor });
    expect(renamed).toMatchObject({ name: 'Meta Platforms', nameKey: 'meta platforms' });
    const letter = await buildLetter(t.ctx);
    await postSignature(t.app, letter.slug, signForm({ email: 'old@example.org', organisation: 'facebook inc' })).expect(303);
    expect((await signatureByEmail(t.ctx, 'old@example.org'))?.organisationId).toBe(facebook.id);
    expect((await listOrganisations(t.ctx.db))[0]?.aliases).toEqual(['Facebook']);
    // Renaming only the spelling keeps one key and adds no alias.
    await renameOrganisation(t.ctx, { id: facebook.id, name: 'META PLATFORMS, Inc.', actor });
    expect((await listOrganisations(t.ctx.db))[0]).toMatchObject({ name: 'META PLATFORMS, Inc.', aliases: ['Facebook'] });
  });
});

describe('merging organisations', () => {
  it('when two organisations are merged, then aliases, domains and signatures move, the removed name becomes an alias and the breakdown follows', async () => {
    const letter = await buildLetter(t.ctx);
    const keep = await createOrganisation(t.ctx, { name: 'Nvidia', domains: ['nvidia.com'], actor });
    const remove = await createOrganisation(t.ctx, { name: 'Mellanox', aliases: ['Mellanox Technologies'], domains: ['mellanox.com'], actor });
    const kept = await buildSignature(t.ctx, letter, { state: 'approved', organisationText: 'Nvidia', organisationId: keep.id });
    const moved = await buildSignature(t.ctx, letter, { state: 'approved', organisationText: 'Mellanox', organisationId: remove.id, email: 'x@mellanox.com' });
    const groups = async () => (await t.ctx.db.select().from(letterOrganisationCounts)).map((row) => [row.organisationGroup, row.listed]);
    expect(await groups()).toEqual(expect.arrayContaining([[`o:${keep.id}`, 1], [`o:${remove.id}`, 1]]));

    const result = await mergeOrganisations(t.ctx, { keepId: keep.id, removeId: remove.id, actor });

    expect(result).toMatchObject({ signaturesMoved: 1, aliases: ['Mellanox', 'Mellanox Technologies'], domains: ['mellanox.com', 'nvidia.com'] });
    expect(await reload(moved.id)).toMatchObject({ organisationId: keep.id, affiliationVerified: true });
    expect((await reload(kept.id)).organisationId).toBe(keep.id);
    expect((await t.ctx.db.select().from(organisations)).map((o) => o.name)).toEqual(['Nvidia']);
    expect(await groups()).toEqual([[`o:${keep.id}`, 2]]);
    const audit = await first(t.ctx.db.select().from(auditEvents).where(eq(auditEvents.action, 'organisation.merge')));
    expect(audit?.details).toMatchObject({ kept: { id: keep.id }, removed: { id: remove.id, name: 'Mellanox' }, signaturesMoved: 1 });
  });

  it('when an organisation is merged into itself or a missing one, then 422 or 404', async () => {
    const one = await createOrganisation(t.ctx, { name: 'One', actor });
    await expect(mergeOrganisations(t.ctx, { keepId: one.id, removeId: one.id, actor })).rejects.toThrow(expect.objectContaining({ status: 422 }));
    await expect(mergeOrganisations(t.ctx, { keepId: one.id, removeId: 9999, actor })).rejects.toThrow(expect.objectContaining({ status: 404 }));
  });
});

describe('verified affiliation', () => {
  it('when confirmed signers of a matched organisation use its domain, a subdomain or a look-alike, then only the first two are verified', async () => {
    await createOrganisation(t.ctx, { name: 'Nvidia', domains: ['nvidia.com'], actor });
    const letter = await buildLetter(t.ctx, { moderation: 'post' });
    const cases: Array<[string, boolean]> = [
      ['ada@nvidia.com', true],
      ['ada@mail.nvidia.com', true],
      ['ada@NVIDIA.COM.evil.io', false],
      ['ada@evilnvidia.com', false],
      ['ada@nvidia.co', false],
    ];
    for (const [email, verified] of cases) {
      const signature = await signAndConfirm(t, letter.slug, { email, organisation: 'NVIDIA Corp' });
      expect({ email, verified: signature.affiliationVerified }).toEqual({ email, verified });
    }
  });

  it('when the signer typed another organisation, then an address at nvidia.com verifies nothing', async () => {
    await createOrganisation(t.ctx, { name: 'Nvidia', domains: ['nvidia.com'], actor });
    const letter = await buildLetter(t.ctx);
    const signature = await signAndConfirm(t, letter.slug, { email: 'ada@nvidia.com', organisation: 'Acme' });
    expect(signature).toMatchObject({ organisationId: null, affiliationVerified: false });
  });

  it('when an organisation gains or loses a domain, then its confirmed signatures are re-checked and unconfirmed ones stay unverified', async () => {
    const letter = await buildLetter(t.ctx);
    const nvidia = await createOrganisation(t.ctx, { name: 'Nvidia', actor });
    const build = (state: 'unconfirmed' | 'pending' | 'approved' | 'rejected', email: string) =>
      buildSignature(t.ctx, letter, { state, email, organisationText: 'Nvidia', organisationId: nvidia.id });
    const approved = await build('approved', 'a@nvidia.com');
    const pending = await build('pending', 'b@research.nvidia.com');
    const unconfirmed = await build('unconfirmed', 'c@nvidia.com');
    const lookalike = await build('approved', 'd@nvidia.com.evil.io');

    expect(await setOrganisationDomains(t.ctx, { id: nvidia.id, domains: ['NVIDIA.com', '@nvidia.com'], actor })).toEqual({ domains: ['nvidia.com'], verified: 2, unverified: 0 });
    expect((await Promise.all([approved, pending, unconfirmed, lookalike].map(async (s) => (await reload(s.id)).affiliationVerified)))).toEqual([true, true, false, false]);

    expect(await setOrganisationDomains(t.ctx, { id: nvidia.id, domains: ['research.nvidia.com'], actor })).toEqual({ domains: ['research.nvidia.com'], verified: 0, unverified: 1 });
    expect((await Promise.all([approved, pending].map(async (s) => (await reload(s.id)).affiliationVerified)))).toEqual([false, true]);
    const audit = (await t.ctx.db.select().from(auditEvents).where(eq(auditEvents.action, 'organisation.domains'))).at(-1);
    expect(audit?.details).toMatchObject({ before: ['nvidia.com'], after: ['research.nvidia.com'] });
  });

  it('when a domain belongs to another organisation or is not a domain, then nothing changes', async () => {
    const nvidia = await createOrganisation(t.ctx, { name: 'Nvidia', domains: ['nvidia.com'], actor });
    const amd = await createOrganisation(t.ctx, { name: 'AMD', domains: ['amd.com'], actor });
    await expect(setOrganisationDomains(t.ctx, { id: amd.id, domains: ['amd.com', 'nvidia.com'], actor })).rejects.toThrow(expect.objectContaining({ status: 409, id: 'domain_taken' }));
    await expect(setOrganisationDomains(t.ctx, { id: amd.id, domains: ['gmail.com'], actor })).rejects.toThrow(expect.objectContaining({ status: 422 }));
    expect((await listOrganisations(t.ctx.db)).map((o) => o.domains)).toEqual([['amd.com'], ['nvidia.com']]);
    expect(nvidia.id).toBeGreaterThan(0);
  });
});

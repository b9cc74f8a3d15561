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
const reload = (id: number) => t.ctx.db.select().from(signatures).where(eq(signatures.id, id)).get()!;
const auditActions = () => t.ctx.db.select().from(auditEvents).all().map((event) => event.action);

describe('matching typed organisations', () => {
  it('when a signer types "NVIDIA Corp." and the organisation is "Nvidia", then the signature matches it', async () => {
    const nvidia = createOrganisation(t.ctx, { name: 'Nvidia', actor });
    const letter = buildLetter(t.ctx);
    await postSignature(t.app, letter.slug, signForm({ email: 'a@example.org', organisation: 'NVIDIA Corp.' })).expect(303);
    await postSignature(t.app, letter.slug, signForm({ email: 'b@example.org', organisation: 'Unknown Labs' })).expect(303);
    expect(signatureByEmail(t.ctx, 'a@example.org')).toMatchObject({ organisationId: nvidia.id, organisationText: 'NVIDIA Corp.', organisationKey: 'nvidia' });
    expect(signatureByEmail(t.ctx, 'b@example.org')).toMatchObject({ organisationId: null, organisationKey: 'unknown labs' });
  });

  it('when an organisation is created or given an alias, then unmatched signatures typed that way match it', () => {
    const letter = buildLetter(t.ctx);
    const typedName = buildSignature(t.ctx, letter, { organisationText: 'nvidia corporation' });
    const typedAlias = buildSignature(t.ctx, letter, { organisationText: 'Team Green' });
    const other = buildSignature(t.ctx, letter, { organisationText: 'Nvidia Research' });
    const nvidia = createOrganisation(t.ctx, { name: 'NVIDIA', actor });
    expect(reload(typedName.id).organisationId).toBe(nvidia.id);
    expect(reload(typedAlias.id).organisationId).toBeNull();
    expect(addAlias(t.ctx, { id: nvidia.id, alias: 'Team-Green', actor })).toEqual({ linked: 1 });
    expect(reload(typedAlias.id).organisationId).toBe(nvidia.id);
    expect(reload(other.id).organisationId).toBeNull();
    expect(auditActions()).toEqual(['organisation.create', 'organisation.alias.add']);
  });

  it('when a name or alias already matches another organisation, then 409 and nothing changes', () => {
    const nvidia = createOrganisation(t.ctx, { name: 'Nvidia', aliases: ['Team Green'], actor });
    const amd = createOrganisation(t.ctx, { name: 'AMD', actor });
    expect(() => createOrganisation(t.ctx, { name: 'NVIDIA Corp.', actor })).toThrow(expect.objectContaining({ status: 409, id: 'organisation_name_taken' }));
    expect(() => addAlias(t.ctx, { id: amd.id, alias: 'team green', actor })).toThrow(expect.objectContaining({ status: 409 }));
    expect(() => renameOrganisation(t.ctx, { id: amd.id, name: 'Nvidia Inc', actor })).toThrow(expect.objectContaining({ status: 409 }));
    expect(() => createOrganisation(t.ctx, { name: ' ... ', actor })).toThrow(expect.objectContaining({ status: 422 }));
    expect(listOrganisations(t.ctx.db).map((o) => [o.name, o.aliases])).toEqual([['AMD', []], ['Nvidia', ['Team Green']]]);
    expect(nvidia.id).not.toBe(amd.id);
  });

  it('when an organisation is renamed, then the old name becomes an alias and still matches new signers', async () => {
    const facebook = createOrganisation(t.ctx, { name: 'Facebook', actor });
    const renamed = renameOrganisation(t.ctx, { id: facebook.id, name: 'Meta Platforms', actor });
    expect(renamed).toMatchObject({ name: 'Meta Platforms', nameKey: 'meta platforms' });
    const letter = buildLetter(t.ctx);
    await postSignature(t.app, letter.slug, signForm({ email: 'old@example.org', organisation: 'facebook inc' })).expect(303);
    expect(signatureByEmail(t.ctx, 'old@example.org')?.organisationId).toBe(facebook.id);
    expect(listOrganisations(t.ctx.db)[0]?.aliases).toEqual(['Facebook']);
    // Renaming only the spelling keeps one key and adds no alias.
    renameOrganisation(t.ctx, { id: facebook.id, name: 'META PLATFORMS, Inc.', actor });
    expect(listOrganisations(t.ctx.db)[0]).toMatchObject({ name: 'META PLATFORMS, Inc.', aliases: ['Facebook'] });
  });
});

describe('merging organisations', () => {
  it('when two organisations are merged, then aliases, domains and signatures move, the removed name becomes an alias and the breakdown follows', () => {
    const letter = buildLetter(t.ctx);
    const keep = createOrganisation(t.ctx, { name: 'Nvidia', domains: ['nvidia.com'], actor });
    const remove = createOrganisation(t.ctx, { name: 'Mellanox', aliases: ['Mellanox Technologies'], domains: ['mellanox.com'], actor });
    const kept = buildSignature(t.ctx, letter, { state: 'approved', organisationText: 'Nvidia', organisationId: keep.id });
    const moved = buildSignature(t.ctx, letter, { state: 'approved', organisationText: 'Mellanox', organisationId: remove.id, email: 'x@mellanox.com' });
    const groups = () => t.ctx.db.select().from(letterOrganisationCounts).all().map((row) => [row.organisationGroup, row.listed]);
    expect(groups()).toEqual(expect.arrayContaining([[`o:${keep.id}`, 1], [`o:${remove.id}`, 1]]));

    const result = mergeOrganisations(t.ctx, { keepId: keep.id, removeId: remove.id, actor });

    expect(result).toMatchObject({ signaturesMoved: 1, aliases: ['Mellanox', 'Mellanox Technologies'], domains: ['mellanox.com', 'nvidia.com'] });
    expect(reload(moved.id)).toMatchObject({ organisationId: keep.id, affiliationVerified: true });
    expect(reload(kept.id).organisationId).toBe(keep.id);
    expect(t.ctx.db.select().from(organisations).all().map((o) => o.name)).toEqual(['Nvidia']);
    expect(groups()).toEqual([[`o:${keep.id}`, 2]]);
    const audit = t.ctx.db.select().from(auditEvents).where(eq(auditEvents.action, 'organisation.merge')).get();
    expect(audit?.details).toMatchObject({ kept: { id: keep.id }, removed: { id: remove.id, name: 'Mellanox' }, signaturesMoved: 1 });
  });

  it('when an organisation is merged into itself or a missing one, then 422 or 404', () => {
    const one = createOrganisation(t.ctx, { name: 'One', actor });
    expect(() => mergeOrganisations(t.ctx, { keepId: one.id, removeId: one.id, actor })).toThrow(expect.objectContaining({ status: 422 }));
    expect(() => mergeOrganisations(t.ctx, { keepId: one.id, removeId: 9999, actor })).toThrow(expect.objectContaining({ status: 404 }));
  });
});

describe('verified affiliation', () => {
  it('when confirmed signers of a matched organisation use its domain, a subdomain or a look-alike, then only the first two are verified', async () => {
    createOrganisation(t.ctx, { name: 'Nvidia', domains: ['nvidia.com'], actor });
    const letter = buildLetter(t.ctx, { moderation: 'post' });
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
    createOrganisation(t.ctx, { name: 'Nvidia', domains: ['nvidia.com'], actor });
    const letter = buildLetter(t.ctx);
    const signature = await signAndConfirm(t, letter.slug, { email: 'ada@nvidia.com', organisation: 'Acme' });
    expect(signature).toMatchObject({ organisationId: null, affiliationVerified: false });
  });

  it('when an organisation gains or loses a domain, then its confirmed signatures are re-checked and unconfirmed ones stay unverified', () => {
    const letter = buildLetter(t.ctx);
    const nvidia = createOrganisation(t.ctx, { name: 'Nvidia', actor });
    const build = (state: 'unconfirmed' | 'pending' | 'approved' | 'rejected', email: string) =>
      buildSignature(t.ctx, letter, { state, email, organisationText: 'Nvidia', organisationId: nvidia.id });
    const approved = build('approved', 'a@nvidia.com');
    const pending = build('pending', 'b@research.nvidia.com');
    const unconfirmed = build('unconfirmed', 'c@nvidia.com');
    const lookalike = build('approved', 'd@nvidia.com.evil.io');

    expect(setOrganisationDomains(t.ctx, { id: nvidia.id, domains: ['NVIDIA.com', '@nvidia.com'], actor })).toEqual({ domains: ['nvidia.com'], verified: 2, unverified: 0 });
    expect([approved, pending, unconfirmed, lookalike].map((s) => reload(s.id).affiliationVerified)).toEqual([true, true, false, false]);

    expect(setOrganisationDomains(t.ctx, { id: nvidia.id, domains: ['research.nvidia.com'], actor })).toEqual({ domains: ['research.nvidia.com'], verified: 0, unverified: 1 });
    expect([approved, pending].map((s) => reload(s.id).affiliationVerified)).toEqual([false, true]);
    const audit = t.ctx.db.select().from(auditEvents).where(eq(auditEvents.action, 'organisation.domains')).all().at(-1);
    expect(audit?.details).toMatchObject({ before: ['nvidia.com'], after: ['research.nvidia.com'] });
  });

  it('when a domain belongs to another organisation or is not a domain, then nothing changes', () => {
    const nvidia = createOrganisation(t.ctx, { name: 'Nvidia', domains: ['nvidia.com'], actor });
    const amd = createOrganisation(t.ctx, { name: 'AMD', domains: ['amd.com'], actor });
    expect(() => setOrganisationDomains(t.ctx, { id: amd.id, domains: ['amd.com', 'nvidia.com'], actor })).toThrow(expect.objectContaining({ status: 409, id: 'domain_taken' }));
    expect(() => setOrganisationDomains(t.ctx, { id: amd.id, domains: ['gmail.com'], actor })).toThrow(expect.objectContaining({ status: 422 }));
    expect(listOrganisations(t.ctx.db).map((o) => o.domains)).toEqual([['amd.com'], ['nvidia.com']]);
    expect(nvidia.id).toBeGreaterThan(0);
  });
});

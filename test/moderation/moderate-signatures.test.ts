import { first } from '../../server/db/database.js';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { SYSTEM_ACTOR, type Actor } from '../../server/audit/record.js';
import { auditEvents, signatures } from '../../server/db/schema.js';
import { createOrganisation } from '../../server/organisations/create-organisation.js';
import { approveVerifiedPending, moderateSignatures } from '../../server/moderation/moderate-signatures.js';
import { listModerationQueue } from '../../server/signatures/moderation-queue.js';
import { appPerTest } from '../helpers/app.js';
import { buildLetter, buildSignature, reloadLetter } from '../helpers/factories.js';

const t = appPerTest();

const actor: Actor = { kind: 'system', label: 'moderation test' };
const reload = async (id: number) => (await first(t.ctx.db.select().from(signatures).where(eq(signatures.id, id))))!;
const listedNames = async (slug: string) => ((await request(t.app).get(`/api/letters/${slug}/signatories`)).body.signatories as Array<{ name: string }>).map((s) => s.name);

describe('moderating signatures', () => {
  it('when a batch is approved, then confirmed ones are approved and listed, unconfirmed and withdrawn ones are skipped and counted, others of other letters are not touched', async () => {
    const letter = await buildLetter(t.ctx);
    const other = await buildLetter(t.ctx);
    const pending = await buildSignature(t.ctx, letter, { state: 'pending', name: 'Pending Pia' });
    const rejected = await buildSignature(t.ctx, letter, { state: 'rejected', name: 'Rejected Rae' });
    const approved = await buildSignature(t.ctx, letter, { state: 'approved', name: 'Approved Abe' });
    const unconfirmed = await buildSignature(t.ctx, letter, { state: 'unconfirmed', name: 'Unconfirmed Uma' });
    const withdrawn = await buildSignature(t.ctx, letter, { state: 'withdrawn', name: '' });
    const elsewhere = await buildSignature(t.ctx, other, { state: 'pending' });
    t.clock.advance(60_000);

    const result = await moderateSignatures(t.ctx, { letterId: letter.id, ids: [pending.id, rejected.id, approved.id, unconfirmed.id, withdrawn.id, elsewhere.id, pending.id], action: 'approve', note: ' checked ', actor });

    expect(result).toEqual({ action: 'approve', changed: [pending.id, rejected.id], unchanged: 1, skipped: 2, notFound: 1 });
    expect(await reload(pending.id)).toMatchObject({ state: 'approved', moderatedAt: t.clock.now(), moderationNote: 'checked' });
    expect((await reload(unconfirmed.id)).state).toBe('unconfirmed');
    expect((await reload(withdrawn.id)).state).toBe('withdrawn');
    expect((await reload(elsewhere.id)).state).toBe('pending');
    expect(await reloadLetter(t.ctx, letter.slug)).toMatchObject({ countApproved: 3, countPending: 0, countRejected: 0, countListed: 3 });
    expect((await listedNames(letter.slug)).sort()).toEqual(['Approved Abe', 'Pending Pia', 'Rejected Rae']);
    const audit = await t.ctx.db.select().from(auditEvents);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'signatures.moderate', actor: 'moderation test', subject: `letter:${letter.slug}` });
    expect(audit[0]?.details).toMatchObject({ changed: [pending.id, rejected.id], skipped: 2, note: 'checked' });
  });

  it('when an approved signature is rejected, then it leaves the count and the list; approved again, it comes back', async () => {
    const letter = await buildLetter(t.ctx);
    const signature = await buildSignature(t.ctx, letter, { state: 'approved', name: 'Back And Forth', featured: true });
    const page = async () => (await request(t.app).get(`/letters/${letter.slug}`)).text;
    expect(await page()).toContain('Back And Forth');

    await moderateSignatures(t.ctx, { letterId: letter.id, ids: [signature.id], action: 'reject', actor });
    expect(await reloadLetter(t.ctx, letter.slug)).toMatchObject({ countApproved: 0, countRejected: 1, countListed: 0 });
    expect(await reload(signature.id)).toMatchObject({ state: 'rejected', featured: false });
    expect(await page()).not.toContain('Back And Forth');
    expect(await page()).toMatch(/<strong>0<\/strong> people have signed/);

    await moderateSignatures(t.ctx, { letterId: letter.id, ids: [signature.id], action: 'approve', actor });
    expect(await reloadLetter(t.ctx, letter.slug)).toMatchObject({ countApproved: 1, countRejected: 0, countListed: 1 });
    expect(await page()).toContain('Back And Forth');
  });

  it('when signatures are featured, then approved ones lead the list and the letter page; rejected and unconfirmed ones cannot be featured', async () => {
    const letter = await buildLetter(t.ctx);
    const star = await buildSignature(t.ctx, letter, { state: 'approved', name: 'Star Signer' });
    for (let i = 0; i < 3; i += 1) await buildSignature(t.ctx, letter, { state: 'approved', name: `Ordinary ${i}` });
    const rejected = await buildSignature(t.ctx, letter, { state: 'rejected' });
    const unconfirmed = await buildSignature(t.ctx, letter, { state: 'unconfirmed' });
    expect(await moderateSignatures(t.ctx, { letterId: letter.id, ids: [star.id, rejected.id, unconfirmed.id], action: 'feature', actor })).toMatchObject({ changed: [star.id], skipped: 2 });
    const api = (await request(t.app).get(`/api/letters/${letter.slug}/signatories`)).body;
    expect(api.featured.map((s: { name: string }) => s.name)).toEqual(['Star Signer']);
    expect(api.signatories.at(-1).name).toBe('Star Signer');
    const page = (await request(t.app).get(`/letters/${letter.slug}`)).text;
    expect(page.indexOf('Star Signer')).toBeLessThan(page.indexOf('Ordinary 2'));
    expect(await moderateSignatures(t.ctx, { letterId: letter.id, ids: [star.id], action: 'unfeature', actor })).toMatchObject({ changed: [star.id] });
    expect((await request(t.app).get(`/api/letters/${letter.slug}/signatories`)).body.featured).toEqual([]);
  });

  it('when the batch is empty, too large or the note too long, then 422 and nothing changes', async () => {
    const letter = await buildLetter(t.ctx);
    const signature = await buildSignature(t.ctx, letter, { state: 'pending' });
    await expect(moderateSignatures(t.ctx, { letterId: letter.id, ids: [], action: 'approve', actor })).rejects.toThrow(expect.objectContaining({ status: 422 }));
    await expect(moderateSignatures(t.ctx, { letterId: letter.id, ids: Array.from({ length: 1001 }, (_, i) => i + 1), action: 'approve', actor })).rejects.toThrow(expect.objectContaining({ status: 422 }));
    await expect(moderateSignatures(t.ctx, { letterId: letter.id, ids: [signature.id], action: 'approve', note: 'x'.repeat(501), actor })).rejects.toThrow(expect.objectContaining({ status: 422 }));
    await expect(moderateSignatures(t.ctx, { letterId: 999, ids: [signature.id], action: 'approve', actor })).rejects.toThrow(expect.objectContaining({ status: 404 }));
    expect((await reload(signature.id)).state).toBe('pending');
  });

  it('when "approve all pending from verified affiliations" runs, then only pending, verified, not-held signatures are approved', async () => {
    const letter = await buildLetter(t.ctx);
    const nvidia = await createOrganisation(t.ctx, { name: 'Nvidia', domains: ['nvidia.com'], actor: SYSTEM_ACTOR });
    const at = (state: 'pending' | 'approved' | 'unconfirmed', email: string, extra: Partial<typeof signatures.$inferInsert> = {}) =>
      buildSignature(t.ctx, letter, { state, email, organisationText: 'Nvidia', organisationId: nvidia.id, affiliationVerified: state !== 'unconfirmed' && email.endsWith('nvidia.com'), ...extra });
    const verified = await at('pending', 'a@nvidia.com');
    const subdomain = await at('pending', 'b@eu.nvidia.com');
    const held = await at('pending', 'c@nvidia.com', { holdReason: 'famous name' });
    const unverified = await at('pending', 'd@gmail.com');
    const unconfirmed = await at('unconfirmed', 'e@nvidia.com');
    const result = await approveVerifiedPending(t.ctx, { letterId: letter.id, actor });
    expect(result.approved).toEqual([verified.id, subdomain.id]);
    expect((await Promise.all([held, unverified, unconfirmed].map(async (s) => (await reload(s.id)).state)))).toEqual(['pending', 'pending', 'unconfirmed']);
    expect((await first(t.ctx.db.select().from(auditEvents).where(eq(auditEvents.action, 'signatures.approve_verified'))))?.details).toMatchObject({ approved: [verified.id, subdomain.id] });
  });
});

describe('the moderation queue', () => {
  it('when moderators search, filter by state and page, then they get newest first by name, email, organisation or email domain', async () => {
    const letter = await buildLetter(t.ctx);
    const nvidia = await createOrganisation(t.ctx, { name: 'NVIDIA', actor: SYSTEM_ACTOR });
    const a = await buildSignature(t.ctx, letter, { state: 'pending', name: 'Alan Turing', email: 'alan@bletchley.example' });
    const b = await buildSignature(t.ctx, letter, { state: 'approved', name: 'Joan Clarke', email: 'joan@hut8.example', organisationText: 'Team Green', organisationId: nvidia.id });
    const c = await buildSignature(t.ctx, letter, { state: 'pending', name: 'Gordon Welchman', email: 'gw@bletchley.example', organisationText: 'GC&CS' });
    const ids = async (query: Partial<Parameters<typeof listModerationQueue>[1]>) => (await listModerationQueue(t.ctx, { letterId: letter.id, limit: 10, ...query })).items.map((row) => row.id);
    expect(await ids({})).toEqual([c.id, b.id, a.id]);
    expect(await ids({ state: 'pending' })).toEqual([c.id, a.id]);
    expect(await ids({ q: 'turing' })).toEqual([a.id]);
    expect(await ids({ q: 'JOAN@hut8' })).toEqual([b.id]);
    expect(await ids({ q: 'bletchley.example' })).toEqual([c.id, a.id]);
    expect(await ids({ q: 'nvidia' })).toEqual([b.id]);
    expect(await ids({ q: 'GC&CS' })).toEqual([c.id]);
    const first = await listModerationQueue(t.ctx, { letterId: letter.id, limit: 2 });
    expect(first.items.map((row) => row.id)).toEqual([c.id, b.id]);
    expect(first.items[1]).toMatchObject({ email: 'joan@hut8.example', organisationName: 'NVIDIA', organisationText: 'Team Green' });
    expect(await ids({ cursor: first.nextCursor ?? undefined, limit: 2 })).toEqual([a.id]);
  });
});

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
const reload = (id: number) => t.ctx.db.select().from(signatures).where(eq(signatures.id, id)).get()!;
const listedNames = async (slug: string) => ((await request(t.app).get(`/api/letters/${slug}/signatories`)).body.signatories as Array<{ name: string }>).map((s) => s.name);

describe('moderating signatures', () => {
  it('when a batch is approved, then confirmed ones are approved and listed, unconfirmed and withdrawn ones are skipped and counted, others of other letters are not touched', async () => {
    const letter = buildLetter(t.ctx);
    const other = buildLetter(t.ctx);
    const pending = buildSignature(t.ctx, letter, { state: 'pending', name: 'Pending Pia' });
    const rejected = buildSignature(t.ctx, letter, { state: 'rejected', name: 'Rejected Rae' });
    const approved = buildSignature(t.ctx, letter, { state: 'approved', name: 'Approved Abe' });
    const unconfirmed = buildSignature(t.ctx, letter, { state: 'unconfirmed', name: 'Unconfirmed Uma' });
    const withdrawn = buildSignature(t.ctx, letter, { state: 'withdrawn', name: '' });
    const elsewhere = buildSignature(t.ctx, other, { state: 'pending' });
    t.clock.advance(60_000);

    const result = moderateSignatures(t.ctx, { letterId: letter.id, ids: [pending.id, rejected.id, approved.id, unconfirmed.id, withdrawn.id, elsewhere.id, pending.id], action: 'approve', note: ' checked ', actor });

    expect(result).toEqual({ action: 'approve', changed: [pending.id, rejected.id], unchanged: 1, skipped: 2, notFound: 1 });
    expect(reload(pending.id)).toMatchObject({ state: 'approved', moderatedAt: t.clock.now(), moderationNote: 'checked' });
    expect(reload(unconfirmed.id).state).toBe('unconfirmed');
    expect(reload(withdrawn.id).state).toBe('withdrawn');
    expect(reload(elsewhere.id).state).toBe('pending');
    expect(reloadLetter(t.ctx, letter.slug)).toMatchObject({ countApproved: 3, countPending: 0, countRejected: 0, countListed: 3 });
    expect((await listedNames(letter.slug)).sort()).toEqual(['Approved Abe', 'Pending Pia', 'Rejected Rae']);
    const audit = t.ctx.db.select().from(auditEvents).all();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'signatures.moderate', actor: 'moderation test', subject: `letter:${letter.slug}` });
    expect(audit[0]?.details).toMatchObject({ changed: [pending.id, rejected.id], skipped: 2, note: 'checked' });
  });

  it('when an approved signature is rejected, then it leaves the count and the list; approved again, it comes back', async () => {
    const letter = buildLetter(t.ctx);
    const signature = buildSignature(t.ctx, letter, { state: 'approved', name: 'Back And Forth', featured: true });
    const page = async () => (await request(t.app).get(`/letters/${letter.slug}`)).text;
    expect(await page()).toContain('Back And Forth');

    moderateSignatures(t.ctx, { letterId: letter.id, ids: [signature.id], action: 'reject', actor });
    expect(reloadLetter(t.ctx, letter.slug)).toMatchObject({ countApproved: 0, countRejected: 1, countListed: 0 });
    expect(reload(signature.id)).toMatchObject({ state: 'rejected', featured: false });
    expect(await page()).not.toContain('Back And Forth');
    expect(await page()).toMatch(/<strong>0<\/strong> people have signed/);

    moderateSignatures(t.ctx, { letterId: letter.id, ids: [signature.id], action: 'approve', actor });
    expect(reloadLetter(t.ctx, letter.slug)).toMatchObject({ countApproved: 1, countRejected: 0, countListed: 1 });
    expect(await page()).toContain('Back And Forth');
  });

  it('when signatures are featured, then approved ones lead the list and the letter page; rejected and unconfirmed ones cannot be featured', async () => {
    const letter = buildLetter(t.ctx);
    const star = buildSignature(t.ctx, letter, { state: 'approved', name: 'Star Signer' });
    for (let i = 0; i < 3; i += 1) buildSignature(t.ctx, letter, { state: 'approved', name: `Ordinary ${i}` });
    const rejected = buildSignature(t.ctx, letter, { state: 'rejected' });
    const unconfirmed = buildSignature(t.ctx, letter, { state: 'unconfirmed' });
    expect(moderateSignatures(t.ctx, { letterId: letter.id, ids: [star.id, rejected.id, unconfirmed.id], action: 'feature', actor })).toMatchObject({ changed: [star.id], skipped: 2 });
    const api = (await request(t.app).get(`/api/letters/${letter.slug}/signatories`)).body;
    expect(api.featured.map((s: { name: string }) => s.name)).toEqual(['Star Signer']);
    expect(api.signatories.at(-1).name).toBe('Star Signer');
    const page = (await request(t.app).get(`/letters/${letter.slug}`)).text;
    expect(page.indexOf('Star Signer')).toBeLessThan(page.indexOf('Ordinary 2'));
    expect(moderateSignatures(t.ctx, { letterId: letter.id, ids: [star.id], action: 'unfeature', actor })).toMatchObject({ changed: [star.id] });
    expect((await request(t.app).get(`/api/letters/${letter.slug}/signatories`)).body.featured).toEqual([]);
  });

  it('when the batch is empty, too large or the note too long, then 422 and nothing changes', () => {
    const letter = buildLetter(t.ctx);
    const signature = buildSignature(t.ctx, letter, { state: 'pending' });
    expect(() => moderateSignatures(t.ctx, { letterId: letter.id, ids: [], action: 'approve', actor })).toThrow(expect.objectContaining({ status: 422 }));
    expect(() => moderateSignatures(t.ctx, { letterId: letter.id, ids: Array.from({ length: 1001 }, (_, i) => i + 1), action: 'approve', actor })).toThrow(expect.objectContaining({ status: 422 }));
    expect(() => moderateSignatures(t.ctx, { letterId: letter.id, ids: [signature.id], action: 'approve', note: 'x'.repeat(501), actor })).toThrow(expect.objectContaining({ status: 422 }));
    expect(() => moderateSignatures(t.ctx, { letterId: 999, ids: [signature.id], action: 'approve', actor })).toThrow(expect.objectContaining({ status: 404 }));
    expect(reload(signature.id).state).toBe('pending');
  });

  it('when "approve all pending from verified affiliations" runs, then only pending, verified, not-held signatures are approved', () => {
    const letter = buildLetter(t.ctx);
    const nvidia = createOrganisation(t.ctx, { name: 'Nvidia', domains: ['nvidia.com'], actor: SYSTEM_ACTOR });
    const at = (state: 'pending' | 'approved' | 'unconfirmed', email: string, extra: Partial<typeof signatures.$inferInsert> = {}) =>
      buildSignature(t.ctx, letter, { state, email, organisationText: 'Nvidia', organisationId: nvidia.id, affiliationVerified: state !== 'unconfirmed' && email.endsWith('nvidia.com'), ...extra });
    const verified = at('pending', 'a@nvidia.com');
    const subdomain = at('pending', 'b@eu.nvidia.com');
    const held = at('pending', 'c@nvidia.com', { holdReason: 'famous name' });
    const unverified = at('pending', 'd@gmail.com');
    const unconfirmed = at('unconfirmed', 'e@nvidia.com');
    const result = approveVerifiedPending(t.ctx, { letterId: letter.id, actor });
    expect(result.approved).toEqual([verified.id, subdomain.id]);
    expect([held, unverified, unconfirmed].map((s) => reload(s.id).state)).toEqual(['pending', 'pending', 'unconfirmed']);
    expect(t.ctx.db.select().from(auditEvents).where(eq(auditEvents.action, 'signatures.approve_verified')).get()?.details).toMatchObject({ approved: [verified.id, subdomain.id] });
  });
});

describe('the moderation queue', () => {
  it('when moderators search, filter by state and page, then they get newest first by name, email, organisation or email domain', () => {
    const letter = buildLetter(t.ctx);
    const nvidia = createOrganisation(t.ctx, { name: 'NVIDIA', actor: SYSTEM_ACTOR });
    const a = buildSignature(t.ctx, letter, { state: 'pending', name: 'Alan Turing', email: 'alan@bletchley.example' });
    const b = buildSignature(t.ctx, letter, { state: 'approved', name: 'Joan Clarke', email: 'joan@hut8.example', organisationText: 'Team Green', organisationId: nvidia.id });
    const c = buildSignature(t.ctx, letter, { state: 'pending', name: 'Gordon Welchman', email: 'gw@bletchley.example', organisationText: 'GC&CS' });
    const ids = (query: Partial<Parameters<typeof listModerationQueue>[1]>) => listModerationQueue(t.ctx, { letterId: letter.id, limit: 10, ...query }).items.map((row) => row.id);
    expect(ids({})).toEqual([c.id, b.id, a.id]);
    expect(ids({ state: 'pending' })).toEqual([c.id, a.id]);
    expect(ids({ q: 'turing' })).toEqual([a.id]);
    expect(ids({ q: 'JOAN@hut8' })).toEqual([b.id]);
    expect(ids({ q: 'bletchley.example' })).toEqual([c.id, a.id]);
    expect(ids({ q: 'nvidia' })).toEqual([b.id]);
    expect(ids({ q: 'GC&CS' })).toEqual([c.id]);
    const first = listModerationQueue(t.ctx, { letterId: letter.id, limit: 2 });
    expect(first.items.map((row) => row.id)).toEqual([c.id, b.id]);
    expect(first.items[1]).toMatchObject({ email: 'joan@hut8.example', organisationName: 'NVIDIA', organisationText: 'Team Green' });
    expect(ids({ cursor: first.nextCursor ?? undefined, limit: 2 })).toEqual([a.id]);
  });
});

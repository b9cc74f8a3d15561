import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { auditEvents } from '../../server/db/schema.js';
import { createOrganisation } from '../../server/organisations/create-organisation.js';
import { appPerTest } from '../helpers/app.js';
import { auditRows, signatureIdsOnPage, signatureStates, statusMessage } from '../helpers/admin-pages.js';
import { buildLetter, buildSignature, reloadLetter } from '../helpers/factories.js';
import { loginAs, type SignedIn } from '../helpers/organisers.js';

const t = appPerTest();

const moderate = (who: SignedIn, slug: string, fields: Record<string, string | string[]>) =>
  who.agent.post(`/admin/letters/${slug}/signatures/moderate`).type('form').send({ _csrf: who.csrfToken, ...fields });

/** Names on the public list page (featured signatories appear twice there: once above the list). */
const publicNames = async (slug: string): Promise<string[]> => {
  const html = (await request(t.app).get(`/letters/${slug}/signatories`).expect(200)).text;
  return [...new Set([...html.matchAll(/<span class="signatory-name">([^<]*)<\/span>/g)].map((match) => match[1]!))].sort();
};

const counts = async (slug: string) => {
  const letter = await reloadLetter(t.ctx, slug);
  return { pending: letter.countPending, approved: letter.countApproved, rejected: letter.countRejected, listed: letter.countListed };
};

describe('bulk moderation through the queue', () => {
  it('when a moderator approves several in one request, then they are counted and listed, the unmoderatable are skipped, and the queue says so with its filters kept', async () => {
    const letter = await buildLetter(t.ctx);
    const ada = await buildSignature(t.ctx, letter, { state: 'pending', name: 'Ada Approved' });
    const bob = await buildSignature(t.ctx, letter, { state: 'pending', name: 'Bob Approved' });
    const una = await buildSignature(t.ctx, letter, { state: 'unconfirmed', name: 'Una Unconfirmed' });
    const stays = await buildSignature(t.ctx, letter, { state: 'pending', name: 'Pat Pending' });
    const moderator = await loginAs(t, 'moderator', { name: 'Mo Derator' });
    expect(await publicNames(letter.slug)).toEqual([]);

    const res = await moderate(moderator, letter.slug, { ids: [String(ada.id), String(bob.id), String(una.id)], action: 'approve', note: 'known to us', state: 'all', q: 'approved' }).expect(303);

    expect(res.headers.location).toBe(`/admin/letters/${letter.slug}/signatures?state=all&q=approved&done=approve&changed=2&skipped=1`);
    expect(await counts(letter.slug)).toEqual({ pending: 1, approved: 2, rejected: 0, listed: 2 });
    expect(await publicNames(letter.slug)).toEqual(['Ada Approved', 'Bob Approved']);
    expect(await signatureStates(t, letter.id)).toEqual({ [ada.id]: 'approved', [bob.id]: 'approved', [una.id]: 'unconfirmed', [stays.id]: 'pending' });
    const page = await moderator.agent.get(res.headers.location!).expect(200);
    expect(statusMessage(page.text)).toBe('2 signatures approved, 1 skipped because unconfirmed or withdrawn.');
    expect(signatureIdsOnPage(page.text)).toEqual([bob.id, ada.id]);
    const [audit] = await auditRows(t, 'signatures.moderate');
    expect(audit).toMatchObject({ actor: `Mo Derator <${moderator.organiser.email}>`, subject: `letter:${letter.slug}` });
    expect(audit?.details).toMatchObject({ action: 'approve', changed: [ada.id, bob.id], skipped: 1, note: 'known to us' });
  });

  it('when an owner rejects and features in bulk, then rejected ones leave the count and the list, featured ones lead it, and approving a rejected one brings it back', async () => {
    const letter = await buildLetter(t.ctx);
    const [a, b, c] = (await Promise.all(['Ann', 'Ben', 'Cat'].map((name) => buildSignature(t.ctx, letter, { state: 'approved', name }))));
    const owner = await loginAs(t, 'owner');

    await moderate(owner, letter.slug, { ids: [String(a!.id), String(b!.id)], action: 'reject', state: 'approved' }).expect(303);
    expect(await counts(letter.slug)).toEqual({ pending: 0, approved: 1, rejected: 2, listed: 1 });
    expect(await publicNames(letter.slug)).toEqual(['Cat']);
    expect((await request(t.app).get(`/letters/${letter.slug}`).expect(200)).text).toMatch(/<strong>1<\/strong> (person has|people have) signed/);

    const featured = await moderate(owner, letter.slug, { ids: [String(a!.id), String(c!.id)], action: 'feature', state: 'all' }).expect(303);
    expect(statusMessage((await owner.agent.get(featured.headers.location!)).text)).toBe('1 signature featured, 1 skipped because not pending or approved.');
    expect(await signatureStates(t, letter.id)).toEqual({ [a!.id]: 'rejected', [b!.id]: 'rejected', [c!.id]: 'approved+featured' });
    const api = (await request(t.app).get(`/api/letters/${letter.slug}/signatories`).expect(200)).body;
    expect(api.featured.map((s: { name: string }) => s.name)).toEqual(['Cat']);

    await moderate(owner, letter.slug, { ids: String(a!.id), action: 'approve', state: 'rejected' }).expect(303);
    expect(await counts(letter.slug)).toEqual({ pending: 0, approved: 2, rejected: 1, listed: 2 });
    expect(await publicNames(letter.slug)).toEqual(['Ann', 'Cat']);

    const again = await moderate(owner, letter.slug, { ids: [String(a!.id), String(c!.id)], action: 'unfeature' }).expect(303);
    expect(statusMessage((await owner.agent.get(again.headers.location!)).text)).toBe('1 signature no longer featured, 1 already not featured.');
    expect(await auditRows(t, 'signatures.moderate')).toHaveLength(4);
  });

  it('when a whole page of 200 is approved at once, then all 200 are', async () => {
    const letter = await buildLetter(t.ctx);
    const ids: string[] = [];
    for (let i = 0; i < 200; i += 1) ids.push(String((await buildSignature(t.ctx, letter, { state: 'pending' })).id));
    const moderator = await loginAs(t, 'moderator');
    await moderate(moderator, letter.slug, { ids, action: 'approve', state: 'pending', limit: '200' }).expect(303);
    expect(await counts(letter.slug)).toMatchObject({ pending: 0, approved: 200 });
  });
});

describe('bad moderation input', () => {
  it('when the action, the selection or the note is wrong, then 4xx with a message, and nothing changes and nothing is audited', async () => {
    const letter = await buildLetter(t.ctx);
    const other = await buildLetter(t.ctx);
    const mine = await buildSignature(t.ctx, letter, { state: 'pending', name: 'Mine' });
    const theirs = await buildSignature(t.ctx, other, { state: 'pending', name: 'Theirs' });
    const moderator = await loginAs(t, 'moderator');
    const before = [await signatureStates(t, letter.id), await signatureStates(t, other.id)];
    const cases: Array<[Record<string, string | string[]>, number, string]> = [
      [{ ids: String(mine.id), action: 'delete' }, 422, 'Choose what to do with the selected signatures'],
      [{ ids: String(mine.id) }, 422, 'Choose what to do with the selected signatures'],
      [{ action: 'approve' }, 422, 'Select at least one signature.'],
      [{ ids: 'abc', action: 'approve' }, 422, 'not a signature'],
      [{ ids: [String(mine.id), '1e3'], action: 'approve' }, 422, 'not a signature'],
      [{ ids: '-1', action: 'approve' }, 422, 'not a signature'],
      [{ ids: '0', action: 'approve' }, 422, 'not a signature'],
      [{ ids: '99999999999999999', action: 'approve' }, 422, 'not a signature'],
      [{ ids: [String(mine.id), String(theirs.id)], action: 'approve' }, 422, '1 of the selected signatures is not on this letter. Nothing was changed'],
      [{ ids: '987654', action: 'reject' }, 422, 'not on this letter'],
      [{ ids: String(mine.id), action: 'approve', note: 'n'.repeat(501) }, 422, 'Note must be 500 characters or fewer'],
    ];
    for (const [fields, status, message] of cases) {
      const res = await moderate(moderator, letter.slug, fields);
      expect(res.status, JSON.stringify(fields)).toBe(status);
      expect(res.text).toContain(message);
      expect(res.text).toContain('error-summary');
      expect(signatureIdsOnPage(res.text)).toEqual([mine.id]);
    }
    await moderate(moderator, 'no-such-letter', { ids: String(mine.id), action: 'approve' }).expect(404);
    expect([await signatureStates(t, letter.id), await signatureStates(t, other.id)]).toEqual(before);
    expect((await t.ctx.db.select().from(auditEvents)).filter((event) => event.action.startsWith('signatures.'))).toEqual([]);
  });

  it('when the outcome in the address is tampered with, then no message or only one worded from numbers is shown', async () => {
    const letter = await buildLetter(t.ctx);
    const { agent } = await loginAs(t, 'viewer');
    const page = async (query: string) => statusMessage((await agent.get(`/admin/letters/${letter.slug}/signatures${query}`).expect(200)).text);
    expect(await page('?done=<script>&changed=1')).toBeUndefined();
    expect(await page('?done=approve&changed=lots')).toBeUndefined();
    expect(await page('?done=reject&changed=3&unchanged=2')).toBe('3 signatures rejected, 2 already rejected.');
  });
});

describe('approve all pending from verified affiliations', () => {
  it('when a moderator confirms, then every verified pending signature not held is approved, in one audited step', async () => {
    const letter = await buildLetter(t.ctx);
    const nvidia = await createOrganisation(t.ctx, { name: 'NVIDIA', domains: ['nvidia.com'], actor: SYSTEM_ACTOR });
    const at = (email: string, overrides: Parameters<typeof buildSignature>[2] = {}) =>
      buildSignature(t.ctx, letter, { state: 'pending', email, emailDomain: email.split('@')[1], organisationText: 'Nvidia', organisationId: nvidia.id, affiliationVerified: email.endsWith('nvidia.com'), ...overrides });
    const verified = [await at('a@nvidia.com'), await at('b@research.nvidia.com')];
    const held = await at('c@nvidia.com', { holdReason: 'famous name' });
    const unverified = await at('d@gmail.com');
    const moderator = await loginAs(t, 'moderator');

    const confirm = await moderator.agent.get(`/admin/letters/${letter.slug}/signatures/approve-verified`).expect(200);
    expect(confirm.text).toContain('data-verified-pending="2"');
    expect(confirm.text).toContain('Approve 2 verified signatures');
    expect((await signatureStates(t, letter.id))[verified[0]!.id]).toBe('pending');

    const res = await moderator.agent.post(`/admin/letters/${letter.slug}/signatures/approve-verified`).type('form').send({ _csrf: moderator.csrfToken, note: 'domains checked' }).expect(303);
    expect(statusMessage((await moderator.agent.get(res.headers.location!).expect(200)).text)).toBe('2 signatures from verified affiliations approved.');
    expect(await signatureStates(t, letter.id)).toEqual({ [verified[0]!.id]: 'approved', [verified[1]!.id]: 'approved', [held.id]: 'pending', [unverified.id]: 'pending' });
    expect(await counts(letter.slug)).toMatchObject({ pending: 2, approved: 2, listed: 2 });
    expect((await auditRows(t, 'signatures.approve_verified'))[0]?.details).toMatchObject({ approved: verified.map((s) => s.id), note: 'domains checked' });

    const none = await moderator.agent.get(`/admin/letters/${letter.slug}/signatures/approve-verified`).expect(200);
    expect(none.text).toContain('data-verified-pending="0"');
    expect(none.text).not.toContain('<form method="post" action="/admin/letters');
  });

  it('when the note is too long, then 422 on the confirmation page and nothing is approved', async () => {
    const letter = await buildLetter(t.ctx);
    const signature = await buildSignature(t.ctx, letter, { state: 'pending', affiliationVerified: true });
    const moderator = await loginAs(t, 'moderator');
    const res = await moderator.agent.post(`/admin/letters/${letter.slug}/signatures/approve-verified`).type('form').send({ _csrf: moderator.csrfToken, note: 'x'.repeat(501) }).expect(422);
    expect(res.text).toContain('Note must be 500 characters or fewer');
    expect((await signatureStates(t, letter.id))[signature.id]).toBe('pending');
  });
});

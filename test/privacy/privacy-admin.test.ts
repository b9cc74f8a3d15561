import { first } from '../../server/db/database.js';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, signatures } from '../../server/db/schema.js';
import type { LetterRow } from '../../server/letters/table.js';
import { runPrivacyJobs } from '../../server/privacy/run-privacy-jobs.js';
import { appPerTest } from '../helpers/app.js';
import { buildLetter, buildSignature, reloadLetter, signatureByEmail } from '../helpers/factories.js';
import { loginAs, type SignedIn } from '../helpers/organisers.js';
import { observable } from '../helpers/responses.js';

const t = appPerTest();

const DAY = 24 * 60 * 60 * 1000;
const ERASED_ANSWER = 'If that address had signed, every signature and mail for it has been erased.';
const text = (html: string): string =>
  html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
const auditOf = async (action: string) => (await t.ctx.db.select().from(auditEvents).where(eq(auditEvents.action, action)));

describe('the privacy page for organisers', () => {
  it.each([
    ['owner', true],
    ['moderator', false],
    ['viewer', false],
  ] as const)('when a %s signs in, then the navigation links to /admin/privacy only for owners, and only owners may open it', async (role, allowed) => {
    const who = await loginAs(t, role);
    expect((await who.agent.get('/admin').expect(200)).text.includes('href="/admin/privacy"')).toBe(allowed);
    expect((await who.agent.get('/admin/privacy')).status).toBe(allowed ? 200 : 403);
  });

  it('when an owner opens it, then it has one heading, the erasure form and the retention settings', async () => {
    const owner = await loginAs(t, 'owner');
    const page = (await owner.agent.get('/admin/privacy').expect(200)).text;
    expect(page.match(/<h1[ >]/g)).toHaveLength(1);
    expect(page).toContain('action="/admin/privacy/erase/confirm"');
    expect(page).toContain('<label for="field-email">');
    expect(text(page)).toContain('deleted, with their mail, 30 days after signing');
    expect(page).toContain('aria-current="page">Privacy');
  });
});

describe('the forms of the privacy pages', () => {
  it('when each page with a form is rendered, then every form posts with the session token', async () => {
    const letter = await buildLetter(t.ctx, { closesAt: new Date(t.clock.now().getTime() - 40 * DAY) });
    const owner = await loginAs(t, 'owner');
    const pages = [
      await owner.agent.get('/admin/privacy'),
      await owner.post('/admin/privacy/erase/confirm', { email: 'someone@example.org' }),
      await owner.agent.get(`/admin/letters/${letter.slug}/anonymise`),
    ];
    for (const page of pages) {
      expect(page.status).toBe(200);
      const forms = page.text.match(/<form method="post"[\s\S]*?<\/form>/g) ?? [];
      expect(forms.length).toBeGreaterThan(1);
      for (const form of forms) expect(form).toContain(`name="_csrf" value="${owner.csrfToken}"`);
    }
  });
});

describe('erasing a signer from the admin', () => {
  const eraseThrough = async (owner: SignedIn, email: string) => {
    const confirm = await owner.post('/admin/privacy/erase/confirm', { email });
    const erase = await owner.post('/admin/privacy/erase', { email });
    const after = await owner.agent.get(erase.headers.location ?? '/admin/privacy');
    return { confirm, erase, after };
  };

  it('when an owner confirms an erasure, then every signature by the address is erased and the request audited without it', async () => {
    const letter = await buildLetter(t.ctx);
    const signature = await buildSignature(t.ctx, letter, { state: 'approved', email: 'leave.me@example.org' });
    const owner = await loginAs(t, 'owner');

    const confirm = await owner.post('/admin/privacy/erase/confirm', { email: 'Leave.Me@example.org' });
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('Leave.Me@example.org');
    expect(confirm.text).toContain('action="/admin/privacy/erase"');
    expect(await signatureByEmail(t.ctx, 'leave.me@example.org')).toBeDefined();

    const erase = await owner.post('/admin/privacy/erase', { email: 'Leave.Me@example.org' });
    expect(erase.status).toBe(303);
    const after = await owner.agent.get(erase.headers.location ?? '').expect(200);
    expect(after.text).toContain(ERASED_ANSWER);
    expect(await signatureByEmail(t.ctx, 'leave.me@example.org')).toBeUndefined();
    expect(await first(t.ctx.db.select().from(signatures).where(eq(signatures.id, signature.id)))).toMatchObject({ state: 'withdrawn', name: '', email: '' });
    const [event] = await auditOf('signer.erase');
    expect(event).toMatchObject({ organiserId: owner.organiser.id, details: { signatures: 1, mailsDeleted: 0 } });
    expect(JSON.stringify(event)).not.toMatch(/leave\.me/i);
  });

  it('when the address never signed, then every answer is exactly the one for an address that had', async () => {
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { state: 'approved', email: 'known@example.org' });
    const owner = await loginAs(t, 'owner');
    const known = await eraseThrough(owner, 'known@example.org');
    const unknown = await eraseThrough(owner, 'unknown@example.org');
    expect(observable(unknown.erase)).toEqual(observable(known.erase));
    expect(observable(unknown.after)).toEqual(observable(known.after));
    // The confirmation repeats the address typed, and nothing else differs.
    expect([unknown.confirm.status, unknown.confirm.text.replaceAll('unknown@', 'known@')]).toEqual([known.confirm.status, known.confirm.text]);
    expect(await auditOf('signer.erase')).toHaveLength(2);
  });

  it('when the address is missing or malformed, then the form comes back with the error next to the field and nothing is erased', async () => {
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { state: 'approved', email: 'stay@example.org' });
    const owner = await loginAs(t, 'owner');
    for (const path of ['/admin/privacy/erase/confirm', '/admin/privacy/erase']) {
      for (const email of ['', 'not an address']) {
        const res = await owner.post(path, { email });
        expect(res.status).toBe(422);
        expect(res.text).toContain('aria-invalid="true"');
        expect(res.text).toContain('id="error-email"');
        expect(res.text).toMatch(/<title>Error: Privacy/);
      }
    }
    expect(await signatureByEmail(t.ctx, 'stay@example.org')).toMatchObject({ state: 'approved' });
    expect(await auditOf('signer.erase')).toEqual([]);
  });

  it('when the erasure is posted without the CSRF token, then 403 and nothing is erased', async () => {
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { state: 'approved', email: 'stay@example.org' });
    const owner = await loginAs(t, 'owner');
    for (const token of [undefined, 'forged']) {
      const res = await owner.agent.post('/admin/privacy/erase').type('form').send({ email: 'stay@example.org', ...(token ? { _csrf: token } : {}) });
      expect(res.status).toBe(403);
    }
    expect(await signatureByEmail(t.ctx, 'stay@example.org')).toMatchObject({ state: 'approved' });
    expect(await auditOf('signer.erase')).toEqual([]);
  });

  it.each(['moderator', 'viewer'] as const)('when a %s tries to erase, then 403 and nothing is erased', async (role) => {
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { state: 'approved', email: 'stay@example.org' });
    const who = await loginAs(t, role);
    expect((await who.post('/admin/privacy/erase/confirm', { email: 'stay@example.org' })).status).toBe(403);
    expect((await who.post('/admin/privacy/erase', { email: 'stay@example.org' })).status).toBe(403);
    expect(await signatureByEmail(t.ctx, 'stay@example.org')).toMatchObject({ state: 'approved' });
  });
});

describe('anonymising a letter from the admin', () => {
  const closedDaysAgo = (days: number): Promise<LetterRow> => buildLetter(t.ctx, { closesAt: new Date(t.clock.now().getTime() - days * DAY) });
  const anonymiseLink = (slug: string) => `href="/admin/letters/${slug}/anonymise"`;

  it('when a letter has been closed long enough, then an owner sees the button, confirms, and the signatories are erased with the counts kept', async () => {
    const letter = await closedDaysAgo(31);
    await buildSignature(t.ctx, letter, { state: 'approved', email: 'ada@example.org', name: 'Ada' });
    const owner = await loginAs(t, 'owner');
    expect((await owner.agent.get(`/admin/letters/${letter.slug}`).expect(200)).text).toContain(anonymiseLink(letter.slug));

    const confirm = await owner.agent.get(`/admin/letters/${letter.slug}/anonymise`).expect(200);
    expect(confirm.text).toContain(`action="/admin/letters/${letter.slug}/anonymise"`);
    expect((await reloadLetter(t.ctx, letter.slug)).anonymisedAt).toBeNull();

    const done = await owner.post(`/admin/letters/${letter.slug}/anonymise`);
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe(`/admin/letters/${letter.slug}`);
    expect(await reloadLetter(t.ctx, letter.slug)).toMatchObject({ anonymisedAt: t.clock.now(), countApproved: 1 });
    expect(await signatureByEmail(t.ctx, 'ada@example.org')).toBeUndefined();
    expect(await auditOf('letter.anonymise')).toEqual([expect.objectContaining({ organiserId: owner.organiser.id, details: { signatures: 1, mailsDeleted: 0 } })]);

    const page = (await owner.agent.get(`/admin/letters/${letter.slug}`).expect(200)).text;
    expect(page).toContain('Signatories anonymised on');
    expect(page).not.toContain(anonymiseLink(letter.slug));
    expect((await owner.agent.get(`/admin/letters/${letter.slug}/anonymise`)).status).toBe(303);
  });

  it.each([
    ['still open', () => buildLetter(t.ctx), 'Only a closed letter can be anonymised', false],
    ['closed 10 days ago', () => closedDaysAgo(10), 'can be anonymised from 2026-11-21 09:00 UTC', true],
  ] as const)('when the letter is %s, then the confirmation and the POST are refused with the reason and nothing changes', async (_case, build, reason, buttonShown) => {
    const letter = await build();
    await buildSignature(t.ctx, letter, { state: 'approved', email: 'ada@example.org' });
    const owner = await loginAs(t, 'owner');
    expect((await owner.agent.get(`/admin/letters/${letter.slug}`)).text.includes(anonymiseLink(letter.slug))).toBe(buttonShown);
    for (const res of [await owner.agent.get(`/admin/letters/${letter.slug}/anonymise`), await owner.post(`/admin/letters/${letter.slug}/anonymise`)]) {
      expect(res.status).toBe(409);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain(reason);
    }
    expect((await reloadLetter(t.ctx, letter.slug)).anonymisedAt).toBeNull();
    expect(await signatureByEmail(t.ctx, 'ada@example.org')).toMatchObject({ state: 'approved' });
    expect(await auditOf('letter.anonymise')).toEqual([]);
  });

  it('when a moderator opens a letter that could be anonymised, then there is no button, and posting is refused with 403', async () => {
    const letter = await closedDaysAgo(31);
    await buildSignature(t.ctx, letter, { state: 'approved', email: 'ada@example.org' });
    const moderator = await loginAs(t, 'moderator');
    expect((await moderator.agent.get(`/admin/letters/${letter.slug}`).expect(200)).text).not.toContain(anonymiseLink(letter.slug));
    expect((await moderator.agent.get(`/admin/letters/${letter.slug}/anonymise`)).status).toBe(403);
    expect((await moderator.post(`/admin/letters/${letter.slug}/anonymise`)).status).toBe(403);
    expect((await reloadLetter(t.ctx, letter.slug)).anonymisedAt).toBeNull();
    expect(await signatureByEmail(t.ctx, 'ada@example.org')).toBeDefined();
  });

  it('when an owner posts the anonymisation without the CSRF token, then 403 and nothing changes', async () => {
    const letter = await closedDaysAgo(31);
    await buildSignature(t.ctx, letter, { state: 'approved', email: 'ada@example.org' });
    const owner = await loginAs(t, 'owner');
    expect((await owner.agent.post(`/admin/letters/${letter.slug}/anonymise`).type('form').send({})).status).toBe(403);
    expect((await reloadLetter(t.ctx, letter.slug)).anonymisedAt).toBeNull();
    expect(await signatureByEmail(t.ctx, 'ada@example.org')).toBeDefined();
  });
});

describe('running the privacy jobs from the admin', () => {
  const runRows = (html: string): string[] => [...html.matchAll(/<tr data-privacy-run>([\s\S]*?)<\/tr>/g)].map((match) => text(match[1] ?? '').trim());

  it('when an owner presses "run now", then the due deletions happen and the run is listed with who asked, even a run that found nothing', async () => {
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { email: 'stale@example.org', signedAt: new Date(t.clock.now().getTime() - 40 * DAY) });
    const owner = await loginAs(t, 'owner');
    const before = (await owner.agent.get('/admin/privacy').expect(200)).text;
    expect(before).toContain('action="/admin/privacy/run"');
    expect(runRows(before)).toEqual([]);

    const res = await owner.post('/admin/privacy/run');
    expect(res.status).toBe(303);
    expect(await signatureByEmail(t.ctx, 'stale@example.org')).toBeUndefined();
    t.clock.advance(60_000);
    await owner.post('/admin/privacy/run').expect(303);

    const page = (await owner.agent.get(res.headers.location ?? '').expect(200)).text;
    expect(page).toContain('The privacy jobs ran just now');
    const who = `${owner.organiser.name} <${owner.organiser.email}>`;
    expect(runRows(page)).toEqual([`2026-11-01 09:01:00 ${who} 0 0 0`, `2026-11-01 09:00:00 ${who} 1 0 0`]);
  });

  it('when the schedule ran and changed something, then that run is listed as the system, and a run that found nothing is not', async () => {
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { email: 'stale@example.org', signedAt: new Date(t.clock.now().getTime() - 40 * DAY) });
    await buildSignature(t.ctx, letter, { state: 'approved', signedAt: new Date(t.clock.now().getTime() - 100 * DAY), ipHash: 'h' });
    await runPrivacyJobs(t.ctx);
    await runPrivacyJobs(t.ctx);
    const owner = await loginAs(t, 'owner');
    expect(runRows((await owner.agent.get('/admin/privacy').expect(200)).text)).toEqual(['2026-11-01 09:00:00 system 1 0 1']);
  });

  it.each(['moderator', 'viewer'] as const)('when a %s posts "run now", then 403 and nothing runs', async (role) => {
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { email: 'stale@example.org', signedAt: new Date(t.clock.now().getTime() - 40 * DAY) });
    const who = await loginAs(t, role);
    expect((await who.post('/admin/privacy/run')).status).toBe(403);
    expect(await signatureByEmail(t.ctx, 'stale@example.org')).toBeDefined();
  });

  it('when "run now" is posted without the CSRF token, then 403 and nothing runs', async () => {
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { email: 'stale@example.org', signedAt: new Date(t.clock.now().getTime() - 40 * DAY) });
    const owner = await loginAs(t, 'owner');
    expect((await owner.agent.post('/admin/privacy/run').type('form').send({})).status).toBe(403);
    expect(await signatureByEmail(t.ctx, 'stale@example.org')).toBeDefined();
    expect(await auditOf('privacy.retention')).toEqual([]);
  });
});

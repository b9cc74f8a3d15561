import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { applyBlock } from '../../server/abuse/block-rules.js';
import { auditEvents, blockRules } from '../../server/db/schema.js';
import type { LetterRow } from '../../server/letters/table.js';
import { describeClientAddress } from '../../server/lib/client-address.js';
import { appPerTest } from '../helpers/app.js';
import { buildLetter, buildSignature, reloadLetter, signatureByEmail, signForm } from '../helpers/factories.js';
import { loginAs } from '../helpers/organisers.js';

const t = appPerTest({ env: { TRUST_PROXY: '1' } });
let letter: LetterRow;
beforeEach(async () => {
  letter = await buildLetter(t.ctx, { moderation: 'post' });
});

const ipHashOf = (address: string): string => describeClientAddress(address, t.config.sessionSecret)?.ipHash ?? '';
const rules = async () => (await t.ctx.db.select().from(blockRules));
const audits = async (action: string) => (await t.ctx.db.select().from(auditEvents)).filter((event) => event.action === action);
const base = () => `/admin/letters/${letter.slug}/blocks`;

/** Three spam signatures from one network and domain, and one bystander. */
async function seedSpam() {
  const spam = { ipHash: ipHashOf('203.0.113.9'), ipNetwork: '203.0.113.0/24', emailDomain: 'spam.example' };
  await buildSignature(t.ctx, letter, { ...spam, state: 'approved', email: 'a@spam.example' });
  await buildSignature(t.ctx, letter, { ...spam, state: 'pending', email: 'b@spam.example' });
  await buildSignature(t.ctx, letter, { ...spam, state: 'unconfirmed', email: 'c@spam.example' });
  await buildSignature(t.ctx, letter, { state: 'approved', email: 'bystander@example.org', ipNetwork: '192.0.2.0/24' });
}

describe('who may block', () => {
  it.each(['/admin/blocks', 'letter'])('when a viewer opens or posts to the block pages (%s), then 403 and nothing changes', async (scope) => {
    const path = scope === 'letter' ? base() : scope;
    await seedSpam();
    const viewer = await loginAs(t, 'viewer');
    expect((await viewer.agent.get(path)).status).toBe(403);
    expect((await viewer.post(`${path}/preview`, { kind: 'email_domain', value: 'spam.example' })).status).toBe(403);
    expect((await viewer.post(path, { kind: 'email_domain', value: 'spam.example' })).status).toBe(403);
    const rule = await applyBlock(t.ctx, { kind: 'cidr', value: '198.51.100.0/24', actor: { kind: 'system', label: 'test' } });
    expect((await viewer.post(`/admin/blocks/${rule.ruleId}/remove`)).status).toBe(403);
    expect(await rules()).toHaveLength(1);
    expect((await signatureByEmail(t.ctx, 'a@spam.example'))?.state).toBe('approved');
  });

  it.each(['moderator', 'owner'] as const)('when a %s opens the pages, then they see the form and the navigation links to them', async (role) => {
    const who = await loginAs(t, role);
    const page = await who.agent.get('/admin/blocks').expect(200);
    expect(page.text).toContain('action="/admin/blocks/preview"');
    expect(page.text).toMatch(/href="\/admin\/blocks" aria-current="page"/);
    expect((await who.agent.get(base()).expect(200)).text).toContain(`action="${base()}/preview"`);
    expect((await who.agent.get(`/admin/letters/${letter.slug}`)).text).toContain(`href="${base()}"`);
  });

  it('when a viewer looks at the navigation or a letter, then no link to blocks is offered', async () => {
    const viewer = await loginAs(t, 'viewer');
    expect((await viewer.agent.get('/admin')).text).not.toContain('href="/admin/blocks"');
    expect((await viewer.agent.get(`/admin/letters/${letter.slug}`)).text).not.toContain('/blocks"');
  });

  it('when not signed in, then the pages send to sign-in', async () => {
    const res = await request(t.app).get(base());
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/admin\/login\?next=/);
  });

  it('when the letter does not exist, then 404', async () => {
    const moderator = await loginAs(t, 'moderator');
    expect((await moderator.agent.get('/admin/letters/no-such-letter/blocks')).status).toBe(404);
    expect((await moderator.post('/admin/letters/no-such-letter/blocks', { kind: 'email_domain', value: 'spam.example' })).status).toBe(404);
    expect(await rules()).toHaveLength(0);
  });
});

describe('preview, then apply', () => {
  it('when a moderator previews a domain, then the page counts the matches and changes nothing', async () => {
    await seedSpam();
    const moderator = await loginAs(t, 'moderator');
    const page = await moderator.post(`${base()}/preview`, { kind: 'email_domain', value: ' @Spam.Example ' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-matching="3"');
    expect(page.text).toContain('2 confirmed ones will be rejected');
    expect(page.text).toContain('1 unconfirmed one will be rejected if confirmed');
    expect(page.text).toContain('name="value" value="spam.example"');
    expect(page.text).toContain(`action="${base()}"`);
    expect(await rules()).toHaveLength(0);
    expect((await signatureByEmail(t.ctx, 'a@spam.example'))?.state).toBe('approved');
  });

  it('when the moderator applies the previewed rule, then matches are rejected in one audited step and the page says how many', async () => {
    await seedSpam();
    const moderator = await loginAs(t, 'moderator');
    const res = await moderator.post(base(), { kind: 'ip_hash', value: ipHashOf('203.0.113.9').toUpperCase() });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${base()}?rejected=2&blocked=1`);
    expect(await signatureByEmail(t.ctx, 'a@spam.example')).toMatchObject({ state: 'rejected', blocked: true });
    expect(await signatureByEmail(t.ctx, 'c@spam.example')).toMatchObject({ state: 'unconfirmed', blocked: true });
    expect(await signatureByEmail(t.ctx, 'bystander@example.org')).toMatchObject({ state: 'approved', blocked: false });
    expect(await reloadLetter(t.ctx, letter.slug)).toMatchObject({ countApproved: 1, countPending: 0 });
    expect(await rules()).toEqual([expect.objectContaining({ letterId: letter.id, kind: 'ip_hash', value: ipHashOf('203.0.113.9'), createdBy: expect.stringContaining(moderator.organiser.email) })]);
    expect(await audits('signatures.block')).toEqual([expect.objectContaining({ organiserId: moderator.organiser.id, details: expect.objectContaining({ rejected: 2, blocked: 1 }) })]);

    const page = await moderator.agent.get(res.headers.location as string).expect(200);
    expect(page.text).toContain('2 confirmed signatures were rejected; 1 unconfirmed one will be rejected if confirmed');
    expect(page.text).toContain(`data-block-rule-id="${(await rules())[0]?.id}"`);
  });

  it('when a later signer is caught by a rule made on the page, then they see the normal answer and are stored blocked', async () => {
    const owner = await loginAs(t, 'owner');
    await owner.post('/admin/blocks', { kind: 'cidr', value: '198.51.100.0/24' }).expect(303);
    const caught = await request(t.app).post(`/letters/${letter.slug}/signatures`).set('X-Forwarded-For', '198.51.100.20').type('form').send(signForm({ email: 'caught@example.org' }));
    const free = await request(t.app).post(`/letters/${letter.slug}/signatures`).set('X-Forwarded-For', '192.0.2.20').type('form').send(signForm({ email: 'free@example.org' }));
    expect([caught.status, caught.headers.location]).toEqual([free.status, free.headers.location]);
    expect((await signatureByEmail(t.ctx, 'caught@example.org'))?.blocked).toBe(true);
    expect((await signatureByEmail(t.ctx, 'free@example.org'))?.blocked).toBe(false);
  });

  it('when a form elsewhere posts a signature\'s IP hash straight to the preview, then the moderator lands on the preview with it', async () => {
    await seedSpam();
    const moderator = await loginAs(t, 'moderator');
    const page = await moderator.post(`${base()}/preview`, { kind: 'ip_hash', value: ipHashOf('203.0.113.9') });
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-matching="3"');
    expect(page.text).toContain(`name="value" value="${ipHashOf('203.0.113.9')}"`);
  });
});

describe('refused values', () => {
  it.each([
    ['ip_hash', 'abc123', 'An IP hash is 64 hexadecimal characters'],
    ['ip_hash', `${'a'.repeat(63)}g`, 'An IP hash is 64 hexadecimal characters'],
    ['ip_hash', '', 'Enter the IP hash'],
    ['cidr', '203.0.113.0/33', 'Enter an address or a range'],
    ['cidr', '10.0.0.0/7', 'at most /8 for IPv4'],
    ['cidr', '::/0', 'at most /16 for IPv6'],
    ['cidr', '2001:db8::/129', 'Enter an address or a range'],
    ['cidr', 'fe80::1%eth0', 'Enter an address or a range'],
    ['cidr', '203.0.113.0/24/8', 'Enter an address or a range'],
    ['email_domain', 'localhost', 'Enter an email domain'],
    ['email_domain', 'user@spam.example', 'Enter an email domain'],
    ['email_domain', "spam.example' OR 1=1 --", 'Enter an email domain'],
    ['email_domain', 'x'.repeat(301), 'too long'],
  ])('when a %s of %j is previewed or applied, then 422 with the message next to the field and nothing stored', async (kind, value, message) => {
    await seedSpam();
    const moderator = await loginAs(t, 'moderator');
    for (const path of [`${base()}/preview`, base()]) {
      const res = await moderator.post(path, { kind, value });
      expect(res.status).toBe(422);
      expect(res.text).toMatch(new RegExp(`<p class="error-message" id="error-value">.*${message.replace(/[/]/g, '\\/')}`));
      expect(res.text).toContain('aria-invalid="true"');
      expect(res.text).toContain('<title>Error: ');
    }
    expect(await rules()).toHaveLength(0);
    expect(await audits('signatures.block')).toHaveLength(0);
  });

  it('when the kind is missing or unknown, then 422 next to the choice', async () => {
    const moderator = await loginAs(t, 'moderator');
    for (const kind of [undefined, 'everyone', 'ip_hash ']) {
      const res = await moderator.post(base(), { ...(kind === undefined ? {} : { kind }), value: 'spam.example' });
      expect(res.status).toBe(422);
      expect(res.text).toContain('id="error-kind"');
    }
    expect(await rules()).toHaveLength(0);
  });
});

describe('removing a rule', () => {
  it('when a moderator removes a letter rule, then it is deleted and audited, already rejected signatures stay so, and new signers are no longer caught', async () => {
    await buildSignature(t.ctx, letter, { state: 'approved', email: 'a@spam.example', emailDomain: 'spam.example' });
    const moderator = await loginAs(t, 'moderator');
    await moderator.post(base(), { kind: 'email_domain', value: 'spam.example' }).expect(303);
    const ruleId = (await rules())[0]?.id;
    const res = await moderator.post(`${base()}/${ruleId}/remove`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${base()}?removed=1`);
    expect(await rules()).toHaveLength(0);
    expect(await audits('signatures.unblock')).toEqual([expect.objectContaining({ organiserId: moderator.organiser.id, subject: `block_rule:${ruleId}`, details: { ruleId, letterId: letter.id, kind: 'email_domain', value: 'spam.example' } })]);
    expect((await signatureByEmail(t.ctx, 'a@spam.example'))?.state).toBe('rejected');
    await request(t.app).post(`/letters/${letter.slug}/signatures`).type('form').send(signForm({ email: 'new@spam.example' })).expect(303);
    expect((await signatureByEmail(t.ctx, 'new@spam.example'))?.blocked).toBe(false);
    expect((await moderator.agent.get(res.headers.location as string)).text).toContain('The rule was removed');
  });

  it('when a rule is removed through another letter\'s page, or does not exist, then 404 and it stays', async () => {
    const other = await buildLetter(t.ctx);
    const moderator = await loginAs(t, 'moderator');
    await moderator.post(base(), { kind: 'email_domain', value: 'spam.example' }).expect(303);
    await moderator.post('/admin/blocks', { kind: 'email_domain', value: 'everywhere.example' }).expect(303);
    const [siteWide, letterRule] = [...(await rules())].sort((a, b) => (a.letterId ?? 0) - (b.letterId ?? 0));
    for (const path of [
      `/admin/letters/${other.slug}/blocks/${letterRule?.id}/remove`,
      `/admin/blocks/${letterRule?.id}/remove`,
      `${base()}/${siteWide?.id}/remove`,
      `${base()}/999999/remove`,
      `${base()}/1e3/remove`,
      `${base()}/-1/remove`,
    ]) {
      expect((await moderator.post(path)).status, path).toBe(404);
    }
    expect(await rules()).toHaveLength(2);
    expect(await audits('signatures.unblock')).toHaveLength(0);
  });

  it('when the every-letter page lists rules, then it shows each letter\'s rules with a form for that letter, and a letter page shows site-wide rules without one', async () => {
    const moderator = await loginAs(t, 'moderator');
    await moderator.post(base(), { kind: 'email_domain', value: 'spam.example' }).expect(303);
    await moderator.post('/admin/blocks', { kind: 'cidr', value: '2001:DB8::/32' }).expect(303);
    const overview = (await moderator.agent.get('/admin/blocks')).text;
    expect(overview).toContain('2001:db8::/32');
    expect(overview).toContain(`action="${base()}/`);
    expect(overview).toContain(letter.title);
    const letterPage = (await moderator.agent.get(base())).text;
    expect(letterPage).toContain('2001:db8::/32');
    expect(letterPage).not.toMatch(/action="\/admin\/blocks\/\d+\/remove"/);
  });
});

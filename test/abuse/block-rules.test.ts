import { beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { applyBlock, previewBlock } from '../../server/abuse/block-rules.js';
import type { Actor } from '../../server/audit/record.js';
import { auditEvents, blockRules } from '../../server/db/schema.js';
import type { LetterRow } from '../../server/letters/table.js';
import { describeClientAddress } from '../../server/lib/client-address.js';
import { AppError } from '../../server/web/errors.js';
import { appPerTest } from '../helpers/app.js';
import { buildLetter, buildSignature, outboxFor, reloadLetter, signatureByEmail, signForm, tokenFromOutbox } from '../helpers/factories.js';

const t = appPerTest({ env: { TRUST_PROXY: '1' } });
let letter: LetterRow;
const moderator: Actor = { kind: 'system', label: 'moderator-test' };

beforeEach(async () => {
  letter = await buildLetter(t.ctx, { moderation: 'post' });
});

const ipHashOf = (address: string): string => describeClientAddress(address, t.config.sessionSecret)?.ipHash ?? '';

const signFrom = (address: string, fields: Record<string, string>, slug = letter.slug) =>
  request(t.app).post(`/letters/${slug}/signatures`).set('X-Forwarded-For', address).type('form').send(fields);

describe('previewing a block', () => {
  beforeEach(async () => {
    await buildSignature(t.ctx, letter, { state: 'approved', ipHash: ipHashOf('203.0.113.5'), ipNetwork: '203.0.113.0/24', email: 'a@spam.example', emailDomain: 'spam.example' });
    await buildSignature(t.ctx, letter, { state: 'pending', ipHash: ipHashOf('203.0.113.5'), ipNetwork: '203.0.113.0/24', email: 'b@mx.spam.example', emailDomain: 'mx.spam.example' });
    await buildSignature(t.ctx, letter, { state: 'unconfirmed', ipHash: ipHashOf('203.0.114.5'), ipNetwork: '203.0.114.0/24', email: 'c@nospam.example', emailDomain: 'nospam.example' });
    await buildSignature(t.ctx, letter, { state: 'rejected', ipHash: ipHashOf('203.0.113.5'), ipNetwork: '203.0.113.0/24', email: 'd@spam.example', emailDomain: 'spam.example' });
    await buildSignature(t.ctx, letter, { state: 'withdrawn', ipHash: ipHashOf('203.0.113.5'), ipNetwork: '203.0.113.0/24', email: 'e@spam.example', emailDomain: 'spam.example' });
    await buildSignature(t.ctx, letter, { state: 'approved', ipHash: ipHashOf('2001:db8:1::7'), ipNetwork: '2001:db8:1::/48', email: 'f@example.org' });
    await buildSignature(t.ctx, await buildLetter(t.ctx), { state: 'approved', ipHash: ipHashOf('203.0.113.5'), ipNetwork: '203.0.113.0/24', email: 'g@spam.example', emailDomain: 'spam.example' });
  });

  it.each([
    ['an IP hash, on this letter', { letterId: 'this', kind: 'ip_hash', value: 'hash:203.0.113.5' }, { matching: 2, counted: 2 }],
    ['an IP hash, on every letter', { letterId: null, kind: 'ip_hash', value: 'hash:203.0.113.5' }, { matching: 3, counted: 3 }],
    ['a /16 holding the stored /24 networks', { letterId: 'this', kind: 'cidr', value: '203.0.0.0/16' }, { matching: 3, counted: 2 }],
    ['the stored /24 itself', { letterId: 'this', kind: 'cidr', value: '203.0.113.0/24' }, { matching: 2, counted: 2 }],
    ['a single address (narrower than what is stored)', { letterId: 'this', kind: 'cidr', value: '203.0.113.5' }, { matching: 0, counted: 0 }],
    ['an IPv6 /32', { letterId: 'this', kind: 'cidr', value: '2001:DB8::/32' }, { matching: 1, counted: 1 }],
    ['an email domain and its subdomains', { letterId: 'this', kind: 'email_domain', value: '@Spam.Example' }, { matching: 2, counted: 2 }],
    ['a domain that is only a suffix of the text', { letterId: 'this', kind: 'email_domain', value: 'pam.example' }, { matching: 0, counted: 0 }],
  ] as const)('when the rule names %s, then it counts the signatures in play it would catch', async (_case, target, expected) => {
    const value = target.value.startsWith('hash:') ? ipHashOf(target.value.slice(5)) : target.value;
    const letterId = target.letterId === 'this' ? letter.id : null;
    expect(await previewBlock(t.ctx, { letterId, kind: target.kind, value })).toEqual(expected);
  });

  it.each([
    ['ip_hash', 'not-a-hash'],
    ['cidr', '203.0.113.0/33'],
    ['cidr', '0.0.0.0/0'],
    ['cidr', '203.0.113.0/24/1'],
    ['cidr', 'example.org'],
    ['email_domain', 'localhost'],
    ['email_domain', "x' OR 1=1 --"],
    ['email_domain', '%.example'],
  ] as const)('when a %s rule is %j, then it is refused with 422', async (kind, value) => {
    const attempt = () => previewBlock(t.ctx, { kind, value });
    await expect(attempt()).rejects.toThrow(AppError);
    await expect(attempt()).rejects.toThrow(expect.objectContaining({ id: 'block_value_invalid', status: 422 }));
  });
});

describe('applying a block', () => {
  it('when applied, then confirmed matches are rejected and leave the count, unconfirmed ones are marked, the rule is stored and the action audited, all at once', async () => {
    const approved = await buildSignature(t.ctx, letter, { state: 'approved', email: 'a@spam.example', emailDomain: 'spam.example' });
    const unconfirmed = await buildSignature(t.ctx, letter, { state: 'unconfirmed', email: 'b@spam.example', emailDomain: 'spam.example' });
    const bystander = await buildSignature(t.ctx, letter, { state: 'approved', email: 'c@example.org' });
    expect(await reloadLetter(t.ctx, letter.slug)).toMatchObject({ countApproved: 2, countUnconfirmed: 1 });

    const result = await applyBlock(t.ctx, { letterId: letter.id, kind: 'email_domain', value: 'spam.example', actor: moderator });

    expect(result).toMatchObject({ rejected: 1, blocked: 1 });
    expect(await signatureByEmail(t.ctx, approved.email)).toMatchObject({ state: 'rejected', blocked: true });
    expect(await signatureByEmail(t.ctx, unconfirmed.email)).toMatchObject({ state: 'unconfirmed', blocked: true });
    expect(await signatureByEmail(t.ctx, bystander.email)).toMatchObject({ state: 'approved', blocked: false });
    expect(await reloadLetter(t.ctx, letter.slug)).toMatchObject({ countApproved: 1, countRejected: 1, countUnconfirmed: 1 });
    expect(await t.ctx.db.select().from(blockRules)).toEqual([expect.objectContaining({ id: result.ruleId, letterId: letter.id, kind: 'email_domain', value: 'spam.example', createdBy: 'moderator-test' })]);
    expect(await t.ctx.db.select().from(auditEvents)).toEqual([
      expect.objectContaining({ actor: 'moderator-test', action: 'signatures.block', subject: `block_rule:${result.ruleId}`, details: { letterId: letter.id, kind: 'email_domain', value: 'spam.example', rejected: 1, blocked: 1 } }),
    ]);
    expect((await previewBlock(t.ctx, { letterId: letter.id, kind: 'email_domain', value: 'spam.example' })).matching).toBe(0);
  });

  it('when the same rule is applied twice, then it is stored once and both actions are audited', async () => {
    const first = await applyBlock(t.ctx, { kind: 'cidr', value: '203.0.113.0/24', actor: moderator });
    const second = await applyBlock(t.ctx, { kind: 'cidr', value: '203.0.113.0/24', actor: moderator });
    expect(second.ruleId).toBe(first.ruleId);
    expect(await t.ctx.db.select().from(blockRules)).toHaveLength(1);
    expect(await t.ctx.db.select().from(auditEvents)).toHaveLength(2);
  });

  it('when the value is invalid, then nothing is changed or recorded', async () => {
    await buildSignature(t.ctx, letter, { state: 'approved' });
    await expect(applyBlock(t.ctx, { kind: 'cidr', value: 'nonsense', actor: moderator })).rejects.toThrow(AppError);
    expect(await t.ctx.db.select().from(blockRules)).toHaveLength(0);
    expect(await t.ctx.db.select().from(auditEvents)).toHaveLength(0);
  });
});

describe('a blocked signer', () => {
  async function signAndConfirm(address: string, email: string, slug = letter.slug) {
    const signed = await signFrom(address, signForm({ email }), slug);
    const token = await tokenFromOutbox(t.ctx, email, 'confirm');
    const page = await request(t.app).get(`/signatures/confirm/${token}`);
    const confirmed = await request(t.app).post(`/signatures/confirm/${token}`);
    return { signed, page, confirmed };
  }

  it.each([
    ['an address range', { kind: 'cidr', value: '198.51.100.0/24' }, '198.51.100.77', 'new@example.org'],
    ['an IPv6 range', { kind: 'cidr', value: '2001:db8::/32' }, '2001:db8:5::1', 'new@example.org'],
    ['an IP hash', { kind: 'ip_hash', value: 'hash:198.51.100.77' }, '198.51.100.77', 'new@example.org'],
    ['an email domain', { kind: 'email_domain', value: 'spam.example' }, '192.0.2.1', 'new@mail.spam.example'],
  ] as const)('when caught by %s, then they see the normal flow but the signature is stored blocked and rejected on confirmation', async (_case, rule, address, email) => {
    await applyBlock(t.ctx, { letterId: letter.id, kind: rule.kind, value: rule.value.startsWith('hash:') ? ipHashOf(rule.value.slice(5)) : rule.value, actor: moderator });
    const free = await signAndConfirm('192.0.2.200', 'free@example.org');
    const caught = await signAndConfirm(address, email);

    for (const step of ['signed', 'page', 'confirmed'] as const) {
      expect(caught[step].status).toBe(free[step].status);
    }
    expect(caught.signed.headers.location).toBe(free.signed.headers.location);
    expect(caught.confirmed.text).toContain('Thank you for signing');
    expect(await outboxFor(t.ctx, email)).toHaveLength(2);
    expect(await signatureByEmail(t.ctx, email)).toMatchObject({ blocked: true, state: 'rejected' });
    expect(await signatureByEmail(t.ctx, 'free@example.org')).toMatchObject({ blocked: false, state: 'approved' });
    expect(await reloadLetter(t.ctx, letter.slug)).toMatchObject({ countApproved: 1, countRejected: 1, countListed: 1 });
  });

  it('when the rule is for another letter, then signing this one is unaffected', async () => {
    const other = await buildLetter(t.ctx);
    await applyBlock(t.ctx, { letterId: other.id, kind: 'cidr', value: '198.51.100.0/24', actor: moderator });
    await signFrom('198.51.100.77', signForm({ email: 'new@example.org' })).expect(303);
    expect(await signatureByEmail(t.ctx, 'new@example.org')).toMatchObject({ blocked: false });
  });
});

import { first } from '../../server/db/database.js';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { auditEvents, blockRules } from '../../server/db/schema.js';
import { runPrivacyJobs } from '../../server/privacy/run-privacy-jobs.js';
import { buildLetter, signatureByEmail, signForm, tokenFromOutbox } from '../helpers/factories.js';
import { loginAs } from '../helpers/organisers.js';
import { signedInAs } from '../helpers/signed-in.js';

/*
 * What erasure and retention must find beyond the obvious: a block rule made from a hash the
 * signer no longer carries, a note written against a signature the action did not change, and a
 * hash copied into the audit log by a later action on its rule.
 */

// Behind one proxy, so each test chooses the address a signer comes from.
const owner = signedInAs('owner', { app: { env: { TRUST_PROXY: '1' } } });
const { t } = owner;

/** Everything the audit log and the block rules hold, as one text to search. */
const kept = async () => JSON.stringify([await t.ctx.db.select().from(auditEvents), await t.ctx.db.select().from(blockRules)]);

const signFrom = (slug: string, email: string, address: string) =>
  request(t.app).post(`/letters/${slug}/signatures`).set('X-Forwarded-For', address).type('form').send(signForm({ email })).expect(303);

const confirm = async (email: string) => request(t.app).post(`/signatures/confirm/${await tokenFromOutbox(t.ctx, email, 'confirm')}`).expect(200);
const withdraw = async (email: string) => request(t.app).post(`/signatures/withdraw/${await tokenFromOutbox(t.ctx, email, 'withdraw')}`).expect(200);

/** Ivan signs from one address, an owner blocks its hash, Ivan withdraws and signs again from another. */
async function blockedThenMoved(email = 'ivan@example.org') {
  const letter = await buildLetter(t.ctx);
  await signFrom(letter.slug, email, '203.0.113.3');
  await confirm(email);
  const firstHash = (await signatureByEmail(t.ctx, email))!.ipHash!;
  await owner.post(`/admin/letters/${letter.slug}/blocks`, { kind: 'ip_hash', value: firstHash }).expect(303);
  await withdraw(email);
  await signFrom(letter.slug, email, '198.51.100.4');
  expect((await signatureByEmail(t.ctx, email))!.ipHash).not.toBe(firstHash);
  expect(await kept()).toContain(firstHash);
  return { letter, firstHash, ruleId: (await first(t.ctx.db.select().from(blockRules)))!.id };
}

describe('a block rule made from a hash the signer no longer carries', () => {
  it('when the signer is erased, then the rule and every audit record of it lose the hash', async () => {
    const { firstHash } = await blockedThenMoved();
    await owner.post('/admin/privacy/erase', { email: 'ivan@example.org' }).expect(303);
    expect(await t.ctx.db.select().from(blockRules)).toEqual([]);
    expect(await kept()).not.toContain(firstHash);
  });

  it('when the rule was removed before the signer is erased, then its audit records lose the hash too', async () => {
    const { letter, firstHash, ruleId } = await blockedThenMoved();
    await owner.post(`/admin/letters/${letter.slug}/blocks/${ruleId}/remove`, {}).expect(303);
    await owner.post('/admin/privacy/erase', { email: 'ivan@example.org' }).expect(303);
    expect(await kept()).not.toContain(firstHash);
  });

  it('when the letter is anonymised, then the rule and its audit records go with its signatures', async () => {
    const { letter, firstHash } = await blockedThenMoved();
    await owner.post(`/admin/letters/${letter.slug}/status`, { status: 'closed' }).expect(303);
    t.clock.advanceDays(t.config.anonymiseAfterDays + 1);
    const later = await loginAs(t, 'owner');
    await later.agent.post(`/admin/letters/${letter.slug}/anonymise`).type('form').send({ _csrf: later.csrfToken, confirm: letter.slug }).expect(303);
    expect(await t.ctx.db.select().from(blockRules)).toEqual([]);
    expect(await kept()).not.toContain(firstHash);
  });
});

describe('a note written against a signature the action did not change', () => {
  const NOTE = 'Grace lives at 12 Elm St, she is the one harassing staff';

  it.each([
    ['rejecting an already rejected signature', 'reject', 'reject'],
    ['approving an already approved signature', 'approve', 'approve'],
  ])('when the note came with %s and the signer is erased, then the note leaves the audit log', async (_case, first, second) => {
    const letter = await buildLetter(t.ctx);
    await signFrom(letter.slug, 'grace@example.org', '203.0.113.9');
    await confirm('grace@example.org');
    const id = String((await signatureByEmail(t.ctx, 'grace@example.org'))!.id);
    await owner.post(`/admin/letters/${letter.slug}/signatures/moderate`, { ids: [id], action: first, note: 'first note' }).expect(303);
    await owner.post(`/admin/letters/${letter.slug}/signatures/moderate`, { ids: [id], action: second, note: NOTE }).expect(303);
    expect(await kept()).toContain(NOTE);

    await owner.post('/admin/privacy/erase', { email: 'grace@example.org' }).expect(303);

    expect(await kept()).not.toContain(NOTE);
    expect(await kept()).not.toContain('first note');
  });

  it('when the note came with an action that skipped the signature (not yet confirmed) and the signer is erased, then the note leaves the audit log', async () => {
    const letter = await buildLetter(t.ctx);
    await signFrom(letter.slug, 'grace@example.org', '203.0.113.9');
    const id = String((await signatureByEmail(t.ctx, 'grace@example.org'))!.id);
    await owner.post(`/admin/letters/${letter.slug}/signatures/moderate`, { ids: [id], action: 'reject', note: NOTE }).expect(303);
    await owner.post('/admin/privacy/erase', { email: 'grace@example.org' }).expect(303);
    expect(await kept()).not.toContain(NOTE);
  });
});

describe('a hash in the audit log of a later action on its rule', () => {
  it('when a rule older than IP_RETENTION_DAYS is removed today, then the privacy run leaves no audit record naming its hash', async () => {
    const letter = await buildLetter(t.ctx);
    await signFrom(letter.slug, 'peggy@example.org', '203.0.113.20');
    const hash = (await signatureByEmail(t.ctx, 'peggy@example.org'))!.ipHash!;
    await owner.post(`/admin/letters/${letter.slug}/blocks`, { kind: 'ip_hash', value: hash }).expect(303);
    const ruleId = (await first(t.ctx.db.select().from(blockRules)))!.id;
    t.clock.advanceDays(t.config.ipRetentionDays + 10);
    const later = await loginAs(t, 'owner');

    await later.agent.post(`/admin/letters/${letter.slug}/blocks/${ruleId}/remove`).type('form').send({ _csrf: later.csrfToken }).expect(303);
    await runPrivacyJobs(t.ctx);

    expect(await kept()).not.toContain(hash);
    expect((await t.ctx.db.select().from(auditEvents)).find((event) => event.action === 'signatures.unblock')).toMatchObject({ subject: `block_rule:${ruleId}` });
  });

  it('when a rule is applied again later, then the hash in that later audit record goes when the rule itself does', async () => {
    const letter = await buildLetter(t.ctx);
    await signFrom(letter.slug, 'peggy@example.org', '203.0.113.20');
    const hash = (await signatureByEmail(t.ctx, 'peggy@example.org'))!.ipHash!;
    await owner.post(`/admin/letters/${letter.slug}/blocks`, { kind: 'ip_hash', value: hash }).expect(303);
    t.clock.advanceDays(t.config.ipRetentionDays - 10);
    const later = await loginAs(t, 'owner');
    await later.agent.post(`/admin/letters/${letter.slug}/blocks`).type('form').send({ _csrf: later.csrfToken, kind: 'ip_hash', value: hash }).expect(303);
    t.clock.advanceDays(11);

    await runPrivacyJobs(t.ctx);

    expect(await t.ctx.db.select().from(blockRules)).toEqual([]);
    expect(await kept()).not.toContain(hash);
  });
});

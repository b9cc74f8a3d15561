import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { auditEvents, blockRules } from '../../server/db/schema.js';
import { appPerTest } from '../helpers/app.js';
import { buildLetter, postSignature, signatureByEmail, signForm, tokenFromOutbox } from '../helpers/factories.js';
import { loginAs } from '../helpers/organisers.js';

const t = appPerTest();

const DAY = 24 * 60 * 60 * 1000;
const NOTE = 'Known troll, lives at 1 Example Street';

/** Everything the audit log and the block rules hold, as one text to search. */
const kept = async () => JSON.stringify([await t.ctx.db.select().from(auditEvents), await t.ctx.db.select().from(blockRules)]);

/** A confirmed signer, rejected with a note, whose address hash an owner then blocked: all through the admin pages. */
async function rejectedAndBlocked(email: string) {
  const letter = await buildLetter(t.ctx);
  const owner = await loginAs(t, 'owner');
  await postSignature(t.app, letter.slug, signForm({ email })).expect(303);
  await request(t.app).post(`/signatures/confirm/${await tokenFromOutbox(t.ctx, email, 'confirm')}`).expect(200);
  const signature = (await signatureByEmail(t.ctx, email))!;
  await owner.post(`/admin/letters/${letter.slug}/signatures/moderate`, { ids: [String(signature.id)], action: 'reject', note: NOTE, state: 'pending' }).expect(303);
  await owner.post(`/admin/letters/${letter.slug}/blocks`, { kind: 'ip_hash', value: signature.ipHash! }).expect(303);
  expect(await kept()).toContain(NOTE);
  expect(await kept()).toContain(signature.ipHash);
  return { letter, owner, ipHash: signature.ipHash! };
}

describe('copies of what erasure erases', () => {
  it('when an owner erases a signer, then the moderation note in the audit log, the block rule by their address hash and its audit details go too', async () => {
    const { owner, ipHash } = await rejectedAndBlocked('troll@example.org');

    await owner.post('/admin/privacy/erase', { email: 'troll@example.org' }).expect(303);

    expect(await kept()).not.toContain(NOTE);
    expect(await kept()).not.toContain(ipHash);
    expect(await t.ctx.db.select().from(blockRules)).toEqual([]);
    const moderation = (await t.ctx.db.select().from(auditEvents)).find((event) => event.action === 'signatures.moderate');
    expect(moderation?.details).toMatchObject({ action: 'reject', note: '(erased)' });
  });

  it('when a letter is anonymised, then the moderation notes about its signatures leave the audit log', async () => {
    const { letter, owner } = await rejectedAndBlocked('troll@example.org');
    await owner.post(`/admin/letters/${letter.slug}/status`, { status: 'closed' }).expect(303);
    t.clock.advanceDays(31);
    const later = await loginAs(t, 'owner');

    await later.post(`/admin/letters/${letter.slug}/anonymise`, { confirm: letter.slug }).expect(303);
    expect((await t.ctx.db.select().from(auditEvents)).map((event) => event.action)).toContain('letter.anonymise');

    expect(await kept()).not.toContain(NOTE);
  });

  it('when an IP-hash block rule is older than IP_RETENTION_DAYS, then the privacy run deletes it and erases the hash from the audit log; address ranges and younger rules stay', async () => {
    const { letter, owner, ipHash } = await rejectedAndBlocked('troll@example.org');
    await owner.post(`/admin/letters/${letter.slug}/blocks`, { kind: 'cidr', value: '203.0.113.0/24' }).expect(303);
    t.clock.advance(t.config.ipRetentionDays * DAY - 1);
    const later = await loginAs(t, 'owner');
    const younger = 'f'.repeat(64);
    await later.post(`/admin/letters/${letter.slug}/blocks`, { kind: 'ip_hash', value: younger }).expect(303);
    t.clock.advance(1);

    await later.post('/admin/privacy/run', {}).expect(303);
    expect((await t.ctx.db.select().from(auditEvents)).map((event) => event.action)).toContain('privacy.retention');

    expect(await kept()).not.toContain(ipHash);
    expect(await t.ctx.db.select({ kind: blockRules.kind, value: blockRules.value }).from(blockRules)).toEqual(
      expect.arrayContaining([{ kind: 'cidr', value: '203.0.113.0/24' }, { kind: 'ip_hash', value: younger }]),
    );
    expect(await t.ctx.db.select().from(blockRules)).toHaveLength(2);
  });
});

describe('the privacy page', () => {
  it('when a signer reads it, then it says that moderators see email addresses in the queue', async () => {
    const page = (await request(t.app).get('/privacy').expect(200)).text;
    expect(page).toMatch(/moderators and owners<\/strong> see[^<]*<strong>your email address<\/strong>: it is shown next to your signature in the moderation queue/);
  });
});

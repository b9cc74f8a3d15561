import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { signatures } from '../../server/db/schema.js';
import { moderateSignatures } from '../../server/moderation/moderate-signatures.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildLetter, outboxFor, postSignature, reloadLetter, signatureByEmail, signForm, signAndConfirm } from '../helpers/factories.js';
import { startTestSite, type TestSite } from '../helpers/site.js';

describe('one mailbox, one signer', () => {
  let t: TestApp;
  beforeEach(() => {
    t = buildTestApp();
  });
  afterEach(() => t.close());

  /** A post-moderated letter on which `email` signed, confirmed and was rejected by a moderator. */
  async function rejected(email: string) {
    const letter = buildLetter(t.ctx, { moderation: 'post' });
    const signature = await signAndConfirm(t, letter.slug, { email, name: 'Jane Troll' });
    moderateSignatures(t.ctx, { letterId: letter.id, ids: [signature.id], action: 'reject', note: 'Fake', actor: SYSTEM_ACTOR });
    return letter;
  }

  it.each([
    ['a +tag', 'jane.troll@gmail.com', 'jane.troll+x@gmail.com'],
    ['the gmail address without its dots', 'jane.troll@gmail.com', 'janetroll@gmail.com'],
    ['the gmail address with other dots and capitals', 'jane.troll@gmail.com', 'J.A.N.E.Troll@GMAIL.com'],
    ['googlemail.com for gmail.com', 'jane.troll@gmail.com', 'jane.troll@googlemail.com'],
    ['all of these at once', 'jane.troll@gmail.com', 'Jane.T.roll+petitions@googlemail.com'],
    ['a +tag at any domain', 'troll@example.net', 'troll+again@example.net'],
  ])('when a rejected signer signs again with %s, then it is the same rejected signature: nothing new is stored, mailed or listed', async (_alias, email, alias) => {
    const letter = await rejected(email);
    const mailsBefore = outboxFor(t.ctx).length;

    await postSignature(t.app, letter.slug, signForm({ email: alias, name: 'Jane Again' })).expect(303);

    expect(t.ctx.db.select().from(signatures).all()).toHaveLength(1);
    expect(outboxFor(t.ctx)).toHaveLength(mailsBefore);
    expect(reloadLetter(t.ctx, letter.slug)).toMatchObject({ countApproved: 0, countPending: 0, countRejected: 1 });
    expect((await request(t.app).get(`/letters/${letter.slug}/signatories`).expect(200)).text).not.toContain('Jane Again');
  });

  it.each([
    ['dots outside gmail', 'jane.troll@example.org', 'janetroll@example.org'],
    ['another domain', 'jane.troll@gmail.com', 'jane.troll@gmail.co.uk'],
    ['a +tag that is the whole local part', 'troll@example.org', '+troll@example.org'],
  ])('when addresses differ by %s, then they are two signers', async (_difference, first, second) => {
    const letter = buildLetter(t.ctx);
    await postSignature(t.app, letter.slug, signForm({ email: first })).expect(303);
    await postSignature(t.app, letter.slug, signForm({ email: second })).expect(303);
    expect(t.ctx.db.select().from(signatures).all()).toHaveLength(2);
  });

  it('when a signer signs with a +tag, then it is stored under the key without it, and the address as typed', async () => {
    const letter = buildLetter(t.ctx);
    await postSignature(t.app, letter.slug, signForm({ email: 'Jane.Troll+news@googlemail.com' })).expect(303);
    expect(signatureByEmail(t.ctx, 'janetroll@gmail.com')).toMatchObject({ email: 'Jane.Troll+news@googlemail.com', emailKey: 'janetroll@gmail.com', emailDomain: 'googlemail.com' });
  });
});

describe('mail to an alias, through a real SMTP exchange', () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await startTestSite({ smtp: true });
  });
  afterAll(() => site.close());

  it('when one mailbox signs under two spellings, then each mail goes to the spelling just typed, and the second replaces the first', async () => {
    const letter = buildLetter(site.ctx);
    const sign = (email: string) => request(site.url).post(`/letters/${letter.slug}/signatures`).type('form').send(signForm({ email })).expect(303);

    await sign('Jane.Troll+news@gmail.com');
    await sign('janetroll@googlemail.com');

    const mails = await site.peer!.waitForMessages(2);
    expect(mails.map((mail) => [mail.to].flat().map((to) => to?.text).join())).toEqual(['Jane.Troll+news@gmail.com', 'janetroll@googlemail.com']);
    expect(site.ctx.db.select().from(signatures).all()).toHaveLength(1);
  });
});

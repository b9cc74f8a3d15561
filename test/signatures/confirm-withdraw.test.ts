import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { appPerTest } from '../helpers/app.js';
import { buildLetter, outboxFor, postSignature, reloadLetter, signatureByEmail, signForm, tokenFromOutbox } from '../helpers/factories.js';
import { sqlRows } from '../helpers/database.js';

const t = appPerTest();

async function signAndGetToken(slug: string, email = 'signer@example.org'): Promise<string> {
  expect((await postSignature(t.app, slug, signForm({ email }))).status).toBe(303);
  return tokenFromOutbox(t.ctx, email, 'confirm');
}

describe('confirming', () => {
  it('when the confirm link is opened with GET, then a page with a button is shown and nothing changes', async () => {
    const letter = await buildLetter(t.ctx);
    const token = await signAndGetToken(letter.slug);
    for (let i = 0; i < 3; i += 1) {
      const page = await request(t.app).get(`/signatures/confirm/${token}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('Confirm my signature');
      expect(page.text).toContain('<form method="post">');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
    }
    expect((await signatureByEmail(t.ctx, 'signer@example.org'))?.state).toBe('unconfirmed');
    expect(await outboxFor(t.ctx)).toHaveLength(1);
  });

  it('when a pre-moderated letter is confirmed, then the signature is pending, counted, and a thank-you mail with a withdraw link is queued', async () => {
    const letter = await buildLetter(t.ctx, { moderation: 'pre' });
    const token = await signAndGetToken(letter.slug);
    const res = await request(t.app).post(`/signatures/confirm/${token}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Thank you for signing');
    const signature = await signatureByEmail(t.ctx, 'signer@example.org');
    expect(signature).toMatchObject({ state: 'pending' });
    expect(signature?.confirmedAt?.getTime()).toBe(t.clock.now().getTime());
    const after = await reloadLetter(t.ctx, letter.slug);
    expect(after).toMatchObject({ countUnconfirmed: 0, countPending: 1, countListed: 0 });
    const page = await request(t.app).get(`/letters/${letter.slug}`);
    expect(page.text).toMatch(/<strong>1<\/strong> person has signed/);
    expect(await tokenFromOutbox(t.ctx, 'signer@example.org', 'withdraw')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('when a post-moderated letter is confirmed, then the signature is approved and listed', async () => {
    const letter = await buildLetter(t.ctx, { moderation: 'post' });
    const token = await signAndGetToken(letter.slug);
    await request(t.app).post(`/signatures/confirm/${token}`).expect(200);
    expect((await signatureByEmail(t.ctx, 'signer@example.org'))?.state).toBe('approved');
    expect(await reloadLetter(t.ctx, letter.slug)).toMatchObject({ countApproved: 1, countListed: 1 });
  });

  it('when the same link is confirmed twice, then the second is a no-op with no second mail', async () => {
    const letter = await buildLetter(t.ctx);
    const token = await signAndGetToken(letter.slug);
    await request(t.app).post(`/signatures/confirm/${token}`).expect(200);
    const second = await request(t.app).post(`/signatures/confirm/${token}`);
    expect(second.status).toBe(200);
    expect(await outboxFor(t.ctx)).toHaveLength(2);
    expect((await reloadLetter(t.ctx, letter.slug)).countPending).toBe(1);
    expect((await request(t.app).get(`/signatures/confirm/${token}`)).text).toContain('already confirmed');
  });

  it('when the token is unknown or malformed, then a 404 page', async () => {
    for (const token of ['A'.repeat(43), 'short', '..%2F..%2Fetc%2Fpasswd']) {
      expect((await request(t.app).get(`/signatures/confirm/${token}`)).status).toBe(404);
      expect((await request(t.app).post(`/signatures/confirm/${token}`)).status).toBe(404);
    }
  });

  it('when the token is older than 7 days, then a 410 page says how to sign again and nothing changes', async () => {
    const letter = await buildLetter(t.ctx);
    const token = await signAndGetToken(letter.slug);
    t.clock.advanceDays(7);
    const res = await request(t.app).post(`/signatures/confirm/${token}`);
    expect(res.status).toBe(410);
    expect(res.text).toContain('send the form once more');
    expect((await signatureByEmail(t.ctx, 'signer@example.org'))?.state).toBe('unconfirmed');
  });

  it('when a withdraw token is used on the confirm path, then 404', async () => {
    const letter = await buildLetter(t.ctx);
    const token = await signAndGetToken(letter.slug);
    await request(t.app).post(`/signatures/confirm/${token}`).expect(200);
    const withdrawToken = await tokenFromOutbox(t.ctx, 'signer@example.org', 'withdraw');
    expect((await request(t.app).post(`/signatures/confirm/${withdrawToken}`)).status).toBe(404);
    expect((await request(t.app).post(`/signatures/withdraw/${token}`)).status).toBe(404);
  });
});

describe('withdrawing', () => {
  it('when the withdraw button is pressed, then the signature leaves the count and its details are erased', async () => {
    const letter = await buildLetter(t.ctx, { moderation: 'post' });
    const token = await signAndGetToken(letter.slug);
    await request(t.app).post(`/signatures/confirm/${token}`).expect(200);
    const withdrawToken = await tokenFromOutbox(t.ctx, 'signer@example.org', 'withdraw');
    const page = await request(t.app).get(`/signatures/withdraw/${withdrawToken}`);
    expect(page.text).toContain('Withdraw my signature');
    expect((await signatureByEmail(t.ctx, 'signer@example.org'))?.state).toBe('approved');
    const res = await request(t.app).post(`/signatures/withdraw/${withdrawToken}`);
    expect(res.status).toBe(200);
    expect(await signatureByEmail(t.ctx, 'signer@example.org')).toMatchObject({ state: 'withdrawn', name: '', organisationText: '', title: '', comment: '' });
    expect(await reloadLetter(t.ctx, letter.slug)).toMatchObject({ countApproved: 0, countListed: 0, countWithdrawn: 1 });
    expect((await request(t.app).post(`/signatures/withdraw/${withdrawToken}`)).status).toBe(200);
  });

  it('when a withdrawn signer signs again, then a fresh confirmation starts and the old links no longer work', async () => {
    const letter = await buildLetter(t.ctx);
    const token = await signAndGetToken(letter.slug);
    await request(t.app).post(`/signatures/confirm/${token}`).expect(200);
    const withdrawToken = await tokenFromOutbox(t.ctx, 'signer@example.org', 'withdraw');
    await request(t.app).post(`/signatures/withdraw/${withdrawToken}`).expect(200);
    const again = await postSignature(t.app, letter.slug, signForm({ email: 'signer@example.org', name: 'Returning Signer' }));
    expect(again.status).toBe(303);
    expect(await signatureByEmail(t.ctx, 'signer@example.org')).toMatchObject({ state: 'unconfirmed', name: 'Returning Signer' });
    expect((await request(t.app).post(`/signatures/withdraw/${withdrawToken}`)).status).toBe(404);
    const fresh = await tokenFromOutbox(t.ctx, 'signer@example.org', 'confirm');
    await request(t.app).post(`/signatures/confirm/${fresh}`).expect(200);
    expect(await reloadLetter(t.ctx, letter.slug)).toMatchObject({ countPending: 1, countWithdrawn: 0 });
  });
});

describe('a repeat signer', () => {
  const signTwice = async (slug: string, email: string) => {
    const first = await postSignature(t.app, slug, signForm({ email }));
    const second = await postSignature(t.app, slug, signForm({ email: email.toUpperCase() }));
    return [first, second] as const;
  };

  it('when still unconfirmed, then gets the identical response and a fresh link, up to 5 mails, then silence', async () => {
    const letter = await buildLetter(t.ctx);
    const [first, second] = await signTwice(letter.slug, 'repeat@example.org');
    expect(second.status).toBe(first.status);
    expect(second.headers.location).toBe(first.headers.location);
    expect(second.text).toBe(first.text);
    for (let i = 0; i < 6; i += 1) await postSignature(t.app, letter.slug, signForm({ email: 'repeat@example.org' })).expect(303);
    // Each mail goes to the address as the submission that caused it spelt it.
    const mails = (await outboxFor(t.ctx)).filter((mail) => mail.toAddress.toLowerCase() === 'repeat@example.org');
    expect(mails).toHaveLength(5);
    expect(mails.every((mail) => mail.kind === 'confirm-signature')).toBe(true);
    expect((await reloadLetter(t.ctx, letter.slug)).countUnconfirmed).toBe(1);
  });

  it('when already confirmed, then gets the identical response and an "already signed" mail with a withdraw link', async () => {
    const letter = await buildLetter(t.ctx);
    const token = await signAndGetToken(letter.slug, 'done@example.org');
    await request(t.app).post(`/signatures/confirm/${token}`).expect(200);
    const res = await postSignature(t.app, letter.slug, signForm({ email: 'done@example.org' }));
    const fresh = await postSignature(t.app, letter.slug, signForm({ email: 'someone-new@example.org' }));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(fresh.headers.location);
    expect(res.text).toBe(fresh.text);
    const mails = await outboxFor(t.ctx, 'done@example.org');
    expect(mails.map((mail) => mail.kind)).toEqual(['confirm-signature', 'signature-confirmed', 'already-signed']);
    expect(mails[2]?.textBody).toMatch(/\/signatures\/withdraw\//);
    expect((await reloadLetter(t.ctx, letter.slug)).countPending).toBe(1);
  });

  it('when rejected by a moderator, then gets the identical response and no mail', async () => {
    const letter = await buildLetter(t.ctx);
    await postSignature(t.app, letter.slug, signForm({ email: 'rejected@example.org' }));
    await sqlRows(t, "UPDATE signatures SET state = 'rejected' WHERE email_key = 'rejected@example.org'");
    const res = await postSignature(t.app, letter.slug, signForm({ email: 'rejected@example.org' }));
    expect(res.status).toBe(303);
    expect(await outboxFor(t.ctx, 'rejected@example.org')).toHaveLength(1);
  });
});

describe('posts from the no-referrer confirm page', () => {
  // Chromium and Firefox send `Origin: null` on a form post from a page with Referrer-Policy: no-referrer.
  it('when the browser sends Origin null with Sec-Fetch-Site same-origin, then the confirmation goes through', async () => {
    const letter = await buildLetter(t.ctx);
    const token = await signAndGetToken(letter.slug);
    const res = await request(t.app).post(`/signatures/confirm/${token}`).set('Origin', 'null').set('Sec-Fetch-Site', 'same-origin');
    expect(res.status).toBe(200);
    expect((await signatureByEmail(t.ctx, 'signer@example.org'))?.state).toBe('pending');
  });

  it('when Origin is null and nothing vouches for the request, then it is refused and nothing changes', async () => {
    const letter = await buildLetter(t.ctx);
    const token = await signAndGetToken(letter.slug);
    for (const site of [undefined, 'cross-site']) {
      const post = request(t.app).post(`/signatures/confirm/${token}`).set('Origin', 'null');
      const res = await (site ? post.set('Sec-Fetch-Site', site) : post);
      expect(res.status).toBe(403);
    }
    expect((await signatureByEmail(t.ctx, 'signer@example.org'))?.state).toBe('unconfirmed');
  });

  it('when a signer withdraws, then every mail kept for their signature (with their name and links) is deleted with their details', async () => {
    const letter = await buildLetter(t.ctx);
    await postSignature(t.app, letter.slug, signForm({ email: 'leaving@example.org', name: 'Secret Name Alpha' })).expect(303);
    await request(t.app).post(`/signatures/confirm/${await tokenFromOutbox(t.ctx, 'leaving@example.org', 'confirm')}`).expect(200);
    expect((await outboxFor(t.ctx, 'leaving@example.org')).map((mail) => mail.kind)).toEqual(['confirm-signature', 'signature-confirmed']);

    await request(t.app).post(`/signatures/withdraw/${await tokenFromOutbox(t.ctx, 'leaving@example.org', 'withdraw')}`).expect(200);

    expect(await outboxFor(t.ctx, 'leaving@example.org')).toEqual([]);
    expect(JSON.stringify(await sqlRows(t, 'SELECT * FROM outbox'))).not.toContain('Secret Name Alpha');
  });
});

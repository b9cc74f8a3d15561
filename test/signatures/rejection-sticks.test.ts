import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { appPerTest } from '../helpers/app.js';
import { runPrivacyJobs } from '../../server/privacy/run-privacy-jobs.js';
import { buildLetter, outboxFor, postSignature, reloadLetter, signatureByEmail, signForm, tokenFromOutbox } from '../helpers/factories.js';
import { loginAs, type SignedIn } from '../helpers/organisers.js';
import { sqlRows } from '../helpers/database.js';

const t = appPerTest();

const EMAIL = 'troll@example.org';

const moderate = (who: SignedIn, slug: string, fields: Record<string, string | string[]>) =>
  who.agent.post(`/admin/letters/${slug}/signatures/moderate`).type('form').send({ _csrf: who.csrfToken, ...fields }).expect(303);

const signAndConfirm = async (slug: string, name: string) => {
  await postSignature(t.app, slug, signForm({ email: EMAIL, name })).expect(303);
  await request(t.app).post(`/signatures/confirm/${await tokenFromOutbox(t.ctx, EMAIL, 'confirm')}`).expect(200);
};

const withdraw = async () => {
  await request(t.app).post(`/signatures/withdraw/${await tokenFromOutbox(t.ctx, EMAIL, 'withdraw')}`).expect(200);
};

const publicListText = async (slug: string) => (await request(t.app).get(`/letters/${slug}/signatories`).expect(200)).text;

/** A post-moderated letter on which a moderator rejected the troll's confirmed signature with a note. */
async function rejectedOnPostModeratedLetter() {
  const letter = await buildLetter(t.ctx, { moderation: 'post' });
  const moderator = await loginAs(t, 'moderator');
  await signAndConfirm(letter.slug, 'Troll First');
  const signature = (await signatureByEmail(t.ctx, EMAIL))!;
  expect(signature.state).toBe('approved');
  await moderate(moderator, letter.slug, { ids: [String(signature.id)], action: 'reject', note: 'Impersonates a minister', state: 'approved' });
  return { letter, moderator, signature };
}

describe('a moderator rejection', () => {
  it('when a rejected signer withdraws, signs again and confirms on a post-moderated letter, then the signature waits for a moderator and is not listed', async () => {
    const { letter } = await rejectedOnPostModeratedLetter();

    await withdraw();
    expect(await signatureByEmail(t.ctx, EMAIL)).toMatchObject({ state: 'withdrawn', name: '', rejectionNote: 'Impersonates a minister' });
    await signAndConfirm(letter.slug, 'Troll Again');

    expect(await signatureByEmail(t.ctx, EMAIL)).toMatchObject({ state: 'pending', name: 'Troll Again' });
    expect(await reloadLetter(t.ctx, letter.slug)).toMatchObject({ countApproved: 0, countListed: 0, countPending: 1 });
    expect(await publicListText(letter.slug)).not.toContain('Troll Again');
  });

  it('when the re-signed signature waits, then the queue shows the earlier rejection and its note, "approve all verified" leaves it, and a moderator approving it lists it', async () => {
    const { letter, moderator, signature } = await rejectedOnPostModeratedLetter();
    await withdraw();
    await signAndConfirm(letter.slug, 'Troll Again');
    await sqlRows(t, 'UPDATE signatures SET affiliation_verified = TRUE WHERE id = ?', signature.id);

    const queue = await moderator.agent.get(`/admin/letters/${letter.slug}/signatures?state=pending`).expect(200);
    const row = queue.text.slice(queue.text.indexOf(`data-signature-id="${signature.id}"`));
    expect(row).toMatch(/data-flag="previously-rejected">Previously rejected on <time[^>]*>[^<]+<\/time>, noting: “Impersonates a minister”/);

    await moderator.agent.post(`/admin/letters/${letter.slug}/signatures/approve-verified`).type('form').send({ _csrf: moderator.csrfToken }).expect(303);
    expect((await signatureByEmail(t.ctx, EMAIL))?.state).toBe('pending');

    await moderate(moderator, letter.slug, { ids: [String(signature.id)], action: 'approve', state: 'pending' });
    expect(await signatureByEmail(t.ctx, EMAIL)).toMatchObject({ state: 'approved', rejectedAt: null, rejectionNote: null });
    expect(await publicListText(letter.slug)).toContain('Troll Again');
  });

  it('when a signature caught by a block rule is rejected on confirmation, then withdrawing and signing again from elsewhere still waits for a moderator', async () => {
    const letter = await buildLetter(t.ctx, { moderation: 'post' });
    const owner = await loginAs(t, 'owner');
    await postSignature(t.app, letter.slug, signForm({ email: EMAIL })).expect(303);
    await owner.agent.post(`/admin/letters/${letter.slug}/blocks`).type('form').send({ _csrf: owner.csrfToken, kind: 'email_domain', value: 'example.org' }).expect(303);
    await request(t.app).post(`/signatures/confirm/${await tokenFromOutbox(t.ctx, EMAIL, 'confirm')}`).expect(200);
    expect((await signatureByEmail(t.ctx, EMAIL))?.state).toBe('rejected');

    await withdraw();
    await sqlRows(t, 'DELETE FROM block_rules');
    await signAndConfirm(letter.slug, 'Troll Again');

    expect((await signatureByEmail(t.ctx, EMAIL))?.state).toBe('pending');
  });

  it('when a signer who was never rejected withdraws and signs again on a post-moderated letter, then they are listed as before', async () => {
    const letter = await buildLetter(t.ctx, { moderation: 'post' });
    await signAndConfirm(letter.slug, 'Fair Signer');
    await withdraw();
    await signAndConfirm(letter.slug, 'Fair Signer');
    expect((await signatureByEmail(t.ctx, EMAIL))?.state).toBe('approved');
  });

  it('when a rejected signer signs again and leaves it unconfirmed past retention, then the rejection stays (the row goes back to its withdrawn form, details erased) and signing again still waits for a moderator', async () => {
    const { letter } = await rejectedOnPostModeratedLetter();
    await withdraw();
    await postSignature(t.app, letter.slug, signForm({ email: EMAIL, name: 'Troll Three', comment: 'Left unconfirmed' })).expect(303);
    t.clock.advanceDays(t.config.unconfirmedRetentionDays + 1);

    await runPrivacyJobs(t.ctx);

    expect(await signatureByEmail(t.ctx, EMAIL)).toMatchObject({ state: 'withdrawn', name: '', comment: '', organisationText: '', rejectionNote: 'Impersonates a minister' });
    expect((await signatureByEmail(t.ctx, EMAIL))?.rejectedAt).toBeInstanceOf(Date);
    expect((await outboxFor(t.ctx, EMAIL)).filter((mail) => mail.kind === 'confirm-signature')).toHaveLength(0);
    await signAndConfirm(letter.slug, 'Troll Four');
    expect(await signatureByEmail(t.ctx, EMAIL)).toMatchObject({ state: 'pending', name: 'Troll Four' });
    expect(await publicListText(letter.slug)).not.toContain('Troll Four');
  });

  it('when an owner carries out an erasure request for a rejected signer, then the rejection goes with everything else, and the address signs afresh', async () => {
    const { letter } = await rejectedOnPostModeratedLetter();
    const owner = await loginAs(t, 'owner');
    await owner.agent.post('/admin/privacy/erase').type('form').send({ _csrf: owner.csrfToken, email: EMAIL }).expect(303);
    expect(await signatureByEmail(t.ctx, EMAIL)).toBeUndefined();

    await signAndConfirm(letter.slug, 'Fresh Start');
    expect(await signatureByEmail(t.ctx, EMAIL)).toMatchObject({ state: 'approved', rejectedAt: null });
  });
});

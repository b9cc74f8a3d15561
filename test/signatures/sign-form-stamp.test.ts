import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { findVersion } from '../../server/letters/repo.js';
import { updateLetter } from '../../server/letters/manage-letter.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildLetter, outboxFor, postSignature, reloadLetter, signatureByEmail, signForm, tokenFromOutbox } from '../helpers/factories.js';
import { stampFrom } from '../helpers/public-site.js';

let t: TestApp;
afterEach(() => t.close());

/** Bot checks on, as on a public site: a stamp is needed and must be at least 3 s old. */
const withBotChecks = async () => {
  t = await buildTestApp({ env: { SIGN_MIN_SECONDS: '3' } });
};

const openLetterPage = async (slug: string) => stampFrom((await request(t.app).get(`/letters/${slug}`).expect(200)).text);
const publishNewText = async (slug: string) => updateLetter(t.ctx, slug, { ...(await reloadLetter(t.ctx, slug)), body: 'We, the undersigned, now ask for something else entirely.' }, SYSTEM_ACTOR);
const fieldValue = (html: string, name: string) => new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(html)?.[1];

describe('a signature is bound to the version read', () => {
  it('when the text changes between reading and sending, then 409 shows the new text with a notice, a link to what changed and the form filled in, and nothing is stored', async () => {
    await withBotChecks();
    const letter = await buildLetter(t.ctx);
    const stamp = await openLetterPage(letter.slug);
    await publishNewText(letter.slug);
    t.clock.advance(60_000);

    const res = await postSignature(t.app, letter.slug, signForm({ email: 'reader@example.org', name: 'Slow Reader', stamp }));

    expect(res.status).toBe(409);
    expect(res.text).toContain('The text of this letter changed while you read it');
    expect(res.text).toContain(`href="/letters/${letter.slug}/versions/1..2"`);
    expect(res.text).toContain('now ask for something else entirely');
    expect(fieldValue(res.text, 'name')).toBe('Slow Reader');
    expect(fieldValue(res.text, 'email')).toBe('reader@example.org');
    expect(await signatureByEmail(t.ctx, 'reader@example.org')).toBeUndefined();
    expect(await outboxFor(t.ctx)).toHaveLength(0);

    // Sending the form it gave back, once the new text is read, signs the new version.
    t.clock.advance(60_000);
    await postSignature(t.app, letter.slug, signForm({ email: 'reader@example.org', stamp: stampFrom(res.text) })).expect(303);
    expect((await signatureByEmail(t.ctx, 'reader@example.org'))?.versionId).toBe((await reloadLetter(t.ctx, letter.slug)).currentVersionId);
  });

  it('when a stamp is altered to name another version, then it is a forgery and is discarded silently', async () => {
    await withBotChecks();
    const letter = await buildLetter(t.ctx);
    const stamp = await openLetterPage(letter.slug);
    await publishNewText(letter.slug);
    t.clock.advance(60_000);
    const [time, , mac] = stamp.split('.');
    const altered = `${time}.${(await reloadLetter(t.ctx, letter.slug)).currentVersionId!.toString(36)}.${mac}`;
    expect((await postSignature(t.app, letter.slug, signForm({ email: 'forger@example.org', stamp: altered }))).headers.location).toMatch(/check-your-email$/);
    expect(await signatureByEmail(t.ctx, 'forger@example.org')).toBeUndefined();
  });

  it('when a signer read version 1 and confirms after version 2 is out, then the thank-you mail names version 1 and the signature keeps it', async () => {
    t = await buildTestApp();
    const letter = await buildLetter(t.ctx);
    const firstVersion = (await findVersion(t.ctx.db, (await reloadLetter(t.ctx, letter.slug)).currentVersionId!))!;
    await postSignature(t.app, letter.slug, signForm({ email: 'early@example.org', stamp: await openLetterPage(letter.slug) })).expect(303);
    await publishNewText(letter.slug);
    await request(t.app).post(`/signatures/confirm/${await tokenFromOutbox(t.ctx, 'early@example.org', 'confirm')}`).expect(200);

    const thanks = (await outboxFor(t.ctx, 'early@example.org')).find((mail) => mail.kind === 'signature-confirmed');
    expect(thanks?.textBody).toContain(firstVersion.sha256);
    expect((await signatureByEmail(t.ctx, 'early@example.org'))?.versionId).toBe(firstVersion.id);
  });
});

describe('a form left open a long time', () => {
  it('when the stamp is older than its lifetime, then the form comes back (422) asking to send it again, with the fields kept and nothing stored', async () => {
    await withBotChecks();
    const letter = await buildLetter(t.ctx);
    const stamp = await openLetterPage(letter.slug);
    t.clock.advance(25 * 60 * 60 * 1000);

    const res = await postSignature(t.app, letter.slug, signForm({ email: 'patient@example.org', name: 'Patient Person', comment: 'Written over a day', stamp }));

    expect(res.status).toBe(422);
    expect(res.text).toContain('This page was open a long time');
    expect(fieldValue(res.text, 'name')).toBe('Patient Person');
    expect(res.text).toContain('Written over a day</textarea>');
    expect(await signatureByEmail(t.ctx, 'patient@example.org')).toBeUndefined();

    t.clock.advance(5_000);
    await postSignature(t.app, letter.slug, signForm({ email: 'patient@example.org', stamp: stampFrom(res.text) })).expect(303);
    expect((await signatureByEmail(t.ctx, 'patient@example.org'))?.state).toBe('unconfirmed');
  });

  it('when a form is sent faster than a person can fill it in, then the answer is the usual "check your email" and nothing is stored or sent', async () => {
    await withBotChecks();
    const letter = await buildLetter(t.ctx);
    const stamp = await openLetterPage(letter.slug);
    const res = await postSignature(t.app, letter.slug, signForm({ email: 'quick@example.org', stamp }));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/letters/${letter.slug}/check-your-email`);
    expect(await signatureByEmail(t.ctx, 'quick@example.org')).toBeUndefined();
    expect(await outboxFor(t.ctx)).toHaveLength(0);
  });
});

describe('a form given back to a person', () => {
  const quickResend = async (slug: string, givenBack: string, email: string) => {
    t.clock.advance(1_000);
    const res = await postSignature(t.app, slug, signForm({ email, stamp: stampFrom(givenBack) }));
    expect(res.status).toBe(303);
    return signatureByEmail(t.ctx, email);
  };

  it('when a form left open too long comes back and is sent again at once, then the signature is stored', async () => {
    await withBotChecks();
    const letter = await buildLetter(t.ctx);
    const stamp = await openLetterPage(letter.slug);
    t.clock.advance(25 * 60 * 60 * 1000);
    const expired = await postSignature(t.app, letter.slug, signForm({ email: 'erin@example.org', stamp })).expect(422);
    expect(await quickResend(letter.slug, expired.text, 'erin@example.org')).toMatchObject({ state: 'unconfirmed' });
  });

  it('when a form for a changed text comes back and is sent again at once, then the signature is stored for the new text', async () => {
    await withBotChecks();
    const letter = await buildLetter(t.ctx);
    const stamp = await openLetterPage(letter.slug);
    t.clock.advance(10_000);
    await publishNewText(letter.slug);
    const changed = await postSignature(t.app, letter.slug, signForm({ email: 'finn@example.org', stamp })).expect(409);
    expect(await quickResend(letter.slug, changed.text, 'finn@example.org')).toMatchObject({ versionId: (await reloadLetter(t.ctx, letter.slug)).currentVersionId });
  });

  it.each([
    ['was open too long', 25 * 60 * 60 * 1000],
    ['was filled in quickly', 1_000],
  ])('when a form whose page %s comes back with a field error and is corrected at once, then the signature is stored', async (_case, openFor) => {
    await withBotChecks();
    const letter = await buildLetter(t.ctx);
    const stamp = await openLetterPage(letter.slug);
    t.clock.advance(openFor);
    const invalid = await postSignature(t.app, letter.slug, signForm({ email: 'not an address', stamp })).expect(422);
    expect(invalid.text).toContain('Enter an email address in the correct format');
    expect(await quickResend(letter.slug, invalid.text, 'typo@example.org')).toMatchObject({ state: 'unconfirmed' });
  });
});

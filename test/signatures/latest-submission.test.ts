import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { updateLetter } from '../../server/letters/manage-letter.js';
import { appPerTest } from '../helpers/app.js';
import { buildLetter, outboxFor, postSignature, reloadLetter, signatureByEmail, tokenFromOutbox } from '../helpers/factories.js';
import { stampFrom } from '../helpers/public-site.js';
import { startTestSite, type TestSite } from '../helpers/site.js';
import { linkIn } from '../helpers/smtp.js';
import { sqlRows } from '../helpers/database.js';

const t = appPerTest();

const VICTIM = 'grace@example.org';

const stranger = { name: 'Grace Hopper', email: VICTIM, organisation: 'Fake Front', title: 'Spokesperson for the other side', comment: 'I have changed my mind.', public: 'yes', updates: 'yes' };
const owner = { name: 'Grace B. Hopper', email: VICTIM, organisation: 'Navy Lab', title: 'Rear admiral', comment: '', public: 'no', updates: 'no' };

const letterStamp = async (slug: string) => stampFrom((await request(t.app).get(`/letters/${slug}`).expect(200)).text);

describe('an unconfirmed address signed again', () => {
  it('when a stranger signs first with your address and you sign after, then your details, choices and version are the ones stored, the answers are identical, and confirming publishes yours', async () => {
    const letter = await buildLetter(t.ctx, { moderation: 'post' });
    const first = await postSignature(t.app, letter.slug, { ...stranger, stamp: await letterStamp(letter.slug) });
    await updateLetter(t.ctx, letter.slug, { ...(await reloadLetter(t.ctx, letter.slug)), body: 'We, the undersigned, ask for a better change.' }, SYSTEM_ACTOR);
    const second = await postSignature(t.app, letter.slug, { ...owner, stamp: await letterStamp(letter.slug) });

    expect([second.status, second.headers.location, second.text]).toEqual([first.status, first.headers.location, first.text]);
    const current = (await reloadLetter(t.ctx, letter.slug)).currentVersionId;
    expect(await signatureByEmail(t.ctx, VICTIM)).toMatchObject({
      name: 'Grace B. Hopper',
      organisationText: 'Navy Lab',
      title: 'Rear admiral',
      comment: '',
      showPublic: false,
      contactUpdates: false,
      versionId: current,
      state: 'unconfirmed',
    });
    expect(await outboxFor(t.ctx, VICTIM)).toHaveLength(2);

    await request(t.app).post(`/signatures/confirm/${await tokenFromOutbox(t.ctx, VICTIM, 'confirm')}`).expect(200);
    expect(await signatureByEmail(t.ctx, VICTIM)).toMatchObject({ state: 'approved', name: 'Grace B. Hopper', showPublic: false, contactUpdates: false });
    const list = (await request(t.app).get(`/letters/${letter.slug}/signatories`).expect(200)).text;
    expect(list).not.toContain('Grace');
    expect(list).not.toContain('Fake Front');
  });

  it('when the confirm link is opened, then the page shows every stored detail and both choices before the button', async () => {
    const letter = await buildLetter(t.ctx);
    await postSignature(t.app, letter.slug, stranger).expect(303);
    await postSignature(t.app, letter.slug, { ...owner, comment: 'Line one\nline <two>' }).expect(303);

    const page = (await request(t.app).get(`/signatures/confirm/${await tokenFromOutbox(t.ctx, VICTIM, 'confirm')}`).expect(200)).text;
    const details = page.slice(page.indexOf('id="signature-details"'), page.indexOf('Confirm my signature'));
    for (const shown of ['Grace B. Hopper', VICTIM, 'Navy Lab', 'Rear admiral', 'Line one\nline &lt;two&gt;', 'version 1 of its text']) expect(page).toContain(shown);
    expect(details).toContain('Do not show my name on the public list');
    expect(details).toContain('The organisers may not email me about this letter');
    expect(page).not.toContain('Fake Front');
    expect(page).not.toContain('Spokesperson');
  });

  it('when new details arrive for an address, then every earlier confirm link of it says a newer email replaced it and confirms nothing', async () => {
    const letter = await buildLetter(t.ctx, { moderation: 'post' });
    await postSignature(t.app, letter.slug, owner).expect(303);
    const ownersLink = await tokenFromOutbox(t.ctx, VICTIM, 'confirm');
    await postSignature(t.app, letter.slug, stranger).expect(303);

    for (const res of [await request(t.app).get(`/signatures/confirm/${ownersLink}`), await request(t.app).post(`/signatures/confirm/${ownersLink}`)]) {
      expect(res.status).toBe(410);
      expect(res.text).toContain('A newer email replaced this link');
    }
    expect(await signatureByEmail(t.ctx, VICTIM)).toMatchObject({ state: 'unconfirmed', organisationText: 'Fake Front' });
    expect((await request(t.app).get(`/signatures/confirm/${await tokenFromOutbox(t.ctx, VICTIM, 'confirm')}`).expect(200)).text).toContain('Fake Front');
  });

  it('when the address has used up its mail allowance, then a further submission changes nothing and is answered the same, and only the newest mailed link confirms', async () => {
    const letter = await buildLetter(t.ctx, { moderation: 'post' });
    const answers = [];
    for (let i = 0; i < t.config.maxMailsPerSignature; i += 1) answers.push(await postSignature(t.app, letter.slug, { ...owner, comment: `Mailed ${i}` }).expect(303));
    const mailedLast = await signatureByEmail(t.ctx, VICTIM);

    const extra = await postSignature(t.app, letter.slug, stranger);

    expect([extra.status, extra.headers.location, extra.text]).toEqual([answers[0]!.status, answers[0]!.headers.location, answers[0]!.text]);
    expect(await outboxFor(t.ctx, VICTIM)).toHaveLength(t.config.maxMailsPerSignature);
    expect(await signatureByEmail(t.ctx, VICTIM)).toEqual(mailedLast);
    const newest = await tokenFromOutbox(t.ctx, VICTIM, 'confirm');
    const mails = await outboxFor(t.ctx, VICTIM);
    const first = /\/signatures\/confirm\/([A-Za-z0-9_-]+)/.exec(mails[0]!.textBody)![1]!;
    expect(first).not.toBe(newest);
    await request(t.app).post(`/signatures/confirm/${first}`).expect(410);
    await request(t.app).post(`/signatures/confirm/${newest}`).expect(200);
    expect(await signatureByEmail(t.ctx, VICTIM)).toMatchObject({ state: 'approved', comment: `Mailed ${t.config.maxMailsPerSignature - 1}`, organisationText: 'Navy Lab' });
  });

  it('when the stored details change after the confirm page was shown, then pressing Confirm shows the page again with the current details instead of confirming', async () => {
    const letter = await buildLetter(t.ctx, { moderation: 'post' });
    await postSignature(t.app, letter.slug, owner).expect(303);
    const link = `/signatures/confirm/${await tokenFromOutbox(t.ctx, VICTIM, 'confirm')}`;
    const shown = detailsFingerprintIn((await request(t.app).get(link).expect(200)).text);
    await sqlRows(t, "UPDATE signatures SET organisation_text = 'Changed Elsewhere' WHERE email_key = ?", VICTIM);

    const res = await request(t.app).post(link).type('form').send({ details: shown });

    expect(res.status).toBe(409);
    expect(res.text).toContain('The details of this signature changed');
    expect(res.text).toContain('Changed Elsewhere');
    expect((await signatureByEmail(t.ctx, VICTIM))?.state).toBe('unconfirmed');
    await request(t.app).post(link).type('form').send({ details: detailsFingerprintIn(res.text) }).expect(200);
    expect(await signatureByEmail(t.ctx, VICTIM)).toMatchObject({ state: 'approved', organisationText: 'Changed Elsewhere' });
  });
});

const detailsFingerprintIn = (html: string): string => {
  const value = /name="details" value="([^"]+)"/.exec(html)?.[1];
  if (!value) throw new Error('no details fingerprint in the confirm form');
  return value;
};

describe('the confirm page a signer has open, through a real SMTP exchange', () => {
  let site: TestSite;
  beforeEach(async () => {
    site = await startTestSite({ smtp: true });
  });
  afterEach(() => site.close());

  it('when a stranger signs with your address while your confirm page is open, then pressing Confirm on it confirms nothing and says a newer email replaced the link', async () => {
    const letter = await buildLetter(site.ctx, { moderation: 'post' });
    const sign = (fields: Record<string, string>) => request(site.url).post(`/letters/${letter.slug}/signatures`).type('form').send(fields).expect(303);
    await sign(owner);
    const ownersPath = new URL(linkIn(await site.mailTo(VICTIM), /\/signatures\/confirm\//)).pathname;
    const page = (await request(site.url).get(ownersPath).expect(200)).text;
    expect(page).toContain('Navy Lab');

    await sign(stranger);
    await site.peer!.waitForMessages(2);
    const pressed = await request(site.url).post(ownersPath).type('form').send({ details: detailsFingerprintIn(page) });

    expect(pressed.status).toBe(410);
    expect(pressed.text).toContain('A newer email replaced this link');
    expect((await signatureByEmail(site.ctx, VICTIM))?.state).toBe('unconfirmed');
    expect((await request(site.url).get(`/letters/${letter.slug}/signatories`).expect(200)).text).not.toContain('Fake Front');
  });
});

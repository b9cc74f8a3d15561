import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { updateLetter } from '../../server/letters/manage-letter.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildLetter, outboxFor, postSignature, reloadLetter, signatureByEmail, tokenFromOutbox } from '../helpers/factories.js';
import { stampFrom } from '../helpers/public-site.js';

let t: TestApp;
beforeEach(() => {
  t = buildTestApp();
});
afterEach(() => t.close());

const VICTIM = 'grace@example.org';

const stranger = { name: 'Grace Hopper', email: VICTIM, organisation: 'Fake Front', title: 'Spokesperson for the other side', comment: 'I have changed my mind.', public: 'yes', updates: 'yes' };
const owner = { name: 'Grace B. Hopper', email: VICTIM, organisation: 'Navy Lab', title: 'Rear admiral', comment: '', public: 'no', updates: 'no' };

const letterStamp = async (slug: string) => stampFrom((await request(t.app).get(`/letters/${slug}`).expect(200)).text);

describe('an unconfirmed address signed again', () => {
  it('when a stranger signs first with your address and you sign after, then your details, choices and version are the ones stored, the answers are identical, and confirming publishes yours', async () => {
    const letter = buildLetter(t.ctx, { moderation: 'post' });
    const first = await postSignature(t.app, letter.slug, { ...stranger, stamp: await letterStamp(letter.slug) });
    updateLetter(t.ctx, letter.slug, { ...reloadLetter(t.ctx, letter.slug), body: 'We, the undersigned, ask for a better change.' }, SYSTEM_ACTOR);
    const second = await postSignature(t.app, letter.slug, { ...owner, stamp: await letterStamp(letter.slug) });

    expect([second.status, second.headers.location, second.text]).toEqual([first.status, first.headers.location, first.text]);
    const current = reloadLetter(t.ctx, letter.slug).currentVersionId;
    expect(signatureByEmail(t.ctx, VICTIM)).toMatchObject({
      name: 'Grace B. Hopper',
      organisationText: 'Navy Lab',
      title: 'Rear admiral',
      comment: '',
      showPublic: false,
      contactUpdates: false,
      versionId: current,
      state: 'unconfirmed',
    });
    expect(outboxFor(t.ctx, VICTIM)).toHaveLength(2);

    await request(t.app).post(`/signatures/confirm/${tokenFromOutbox(t.ctx, VICTIM, 'confirm')}`).expect(200);
    expect(signatureByEmail(t.ctx, VICTIM)).toMatchObject({ state: 'approved', name: 'Grace B. Hopper', showPublic: false, contactUpdates: false });
    const list = (await request(t.app).get(`/letters/${letter.slug}/signatories`).expect(200)).text;
    expect(list).not.toContain('Grace');
    expect(list).not.toContain('Fake Front');
  });

  it('when the confirm link is opened, then the page shows every stored detail and both choices before the button', async () => {
    const letter = buildLetter(t.ctx);
    await postSignature(t.app, letter.slug, stranger).expect(303);
    const strangersLink = tokenFromOutbox(t.ctx, VICTIM, 'confirm');
    await postSignature(t.app, letter.slug, { ...owner, comment: 'Line one\nline <two>' }).expect(303);

    for (const token of [strangersLink, tokenFromOutbox(t.ctx, VICTIM, 'confirm')]) {
      const page = (await request(t.app).get(`/signatures/confirm/${token}`).expect(200)).text;
      const details = page.slice(page.indexOf('id="signature-details"'), page.indexOf('Confirm my signature'));
      for (const shown of ['Grace B. Hopper', VICTIM, 'Navy Lab', 'Rear admiral', 'Line one\nline &lt;two&gt;', 'version 1 of its text']) expect(page).toContain(shown);
      expect(details).toContain('Do not show my name on the public list');
      expect(details).toContain('The organisers may not email me about this letter');
      expect(page).not.toContain('Fake Front');
      expect(page).not.toContain('Spokesperson');
    }
  });

  it('when the address signs again beyond its mail allowance, then the details are still the latest, with no further mail', async () => {
    const letter = buildLetter(t.ctx);
    for (let i = 0; i < t.config.maxMailsPerSignature + 1; i += 1) await postSignature(t.app, letter.slug, stranger).expect(303);
    await postSignature(t.app, letter.slug, owner).expect(303);
    expect(outboxFor(t.ctx, VICTIM)).toHaveLength(t.config.maxMailsPerSignature);
    expect(signatureByEmail(t.ctx, VICTIM)).toMatchObject({ name: 'Grace B. Hopper', contactUpdates: false });
  });
});

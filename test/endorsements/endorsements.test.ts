import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../server/audit/index.js';
import { updateLetter } from '../../server/letters/manage-letter.js';
import { createOrganisation } from '../../server/organisations/create-organisation.js';
import { mergeOrganisations } from '../../server/organisations/merge-organisations.js';
import { setOrganisationDomains } from '../../server/organisations/set-organisation-domains.js';
import { runPrivacyJobs } from '../../server/privacy/index.js';
import { appPerTest } from '../helpers/app.js';
import { auditRows } from '../helpers/admin-pages.js';
import { buildEndorsement, endorseAndConfirm, endorseFields, endorsementIdsOnPage, endorsementsOf, endorsementTokenFromOutbox, postEndorsement } from '../helpers/endorsements.js';
import { buildLetter, outboxFor, reloadLetter } from '../helpers/factories.js';
import { loginAs } from '../helpers/organisers.js';
import { stampFrom } from '../helpers/public-site.js';

const t = appPerTest();

const moderatePath = (slug: string) => `/admin/letters/${slug}/endorsements/moderate`;

describe('endorsing a letter', () => {
  it('when the same address sends the form again, then the answer is identical; an unconfirmed endorsement takes the new details with a new link that alone confirms, a confirmed one gets no mail and no change', async () => {
    const letter = await buildLetter(t.ctx);
    const fields = endorseFields({ email: 'ed@union.example' });
    const first = await postEndorsement(t.app, letter.slug, fields).expect(303);
    const firstToken = await endorsementTokenFromOutbox(t.ctx, fields.email!);
    const second = await postEndorsement(t.app, letter.slug, { ...fields, organisation: 'Union of Printers' }).expect(303);
    expect([second.status, second.headers.location, second.text]).toEqual([first.status, first.headers.location, first.text]);
    expect(await outboxFor(t.ctx, 'ed@union.example')).toHaveLength(2);
    expect((await endorsementsOf(t.ctx, letter.id)).map((row) => row.organisationText)).toEqual(['Union of Printers']);
    // The first mail's link was replaced: it confirms nothing and says why.
    await request(t.app).post(`/endorsements/confirm/${firstToken}`).expect(410);
    await request(t.app).post(`/endorsements/confirm/${await endorsementTokenFromOutbox(t.ctx, fields.email!)}`).expect(200);

    const third = await postEndorsement(t.app, letter.slug, { ...fields, organisation: 'Someone Else' }).expect(303);
    expect([third.status, third.headers.location, third.text]).toEqual([first.status, first.headers.location, first.text]);
    expect(await outboxFor(t.ctx, 'ed@union.example')).toHaveLength(2);
    expect(await endorsementsOf(t.ctx, letter.id)).toMatchObject([{ organisationText: 'Union of Printers', state: 'pending' }]);
  });

  it('when an unconfirmed address sends the form more often than its mail allowance, then no further mail goes out and the answer stays the same', async () => {
    const letter = await buildLetter(t.ctx);
    const fields = endorseFields({ email: 'flood@union.example' });
    for (let i = 0; i < t.config.maxMailsPerSignature + 2; i += 1) await postEndorsement(t.app, letter.slug, fields).expect(303);
    expect(await outboxFor(t.ctx, 'flood@union.example')).toHaveLength(t.config.maxMailsPerSignature);
  });

  it('when the confirm page is opened, then nothing changes until its button is pressed', async () => {
    const letter = await buildLetter(t.ctx);
    const fields = endorseFields();
    await postEndorsement(t.app, letter.slug, fields).expect(303);
    const token = await endorsementTokenFromOutbox(t.ctx, fields.email!);
    for (let i = 0; i < 2; i += 1) await request(t.app).get(`/endorsements/confirm/${token}`).expect(200).expect('cache-control', 'no-store');
    expect((await endorsementsOf(t.ctx, letter.id))[0]).toMatchObject({ state: 'unconfirmed', confirmedAt: null });
    await request(t.app).get('/endorsements/confirm/not-a-token').expect(404);
  });

  it.each([
    ['an over-long statement', { statement: 'x'.repeat(1001) }, 'statement', 'Statement must be 1000 characters or fewer'],
    ['an over-long organisation', { organisation: 'O'.repeat(161) }, 'organisation', 'Organisation must be 160 characters or fewer'],
    ['control characters in the name', { name: 'Rosa\u0007 Parks' }, 'name', 'Name contains characters that are not allowed'],
    ['a bidi override in the organisation', { organisation: 'Evil\u202Egro' }, 'organisation', 'Organisation contains characters that are not allowed'],
    ['no organisation', { organisation: '  ' }, 'organisation', 'Enter your organisation'],
    ['no role', { role: '' }, 'role', 'Enter your role'],
    ['a malformed address', { email: 'rosa@' }, 'email', 'Enter an email address in the correct format'],
    ['a throwaway address', { email: 'rosa@mailinator.com' }, 'email', 'Use your work address at the organisation'],
  ])('when the form has %s, then it comes back with a 422 next to the field, refilled, and nothing is stored or mailed', async (_case, overrides, field, message) => {
    const letter = await buildLetter(t.ctx);
    const response = await postEndorsement(t.app, letter.slug, endorseFields(overrides)).expect(422);
    expect(response.text).toMatch(new RegExp(`id="error-${field}"[^>]*>[\\s\\S]*?${message}`));
    expect(response.text).toContain('<title>Error: Endorse as an organisation');
    expect(await endorsementsOf(t.ctx, letter.id)).toEqual([]);
    expect(await outboxFor(t.ctx)).toEqual([]);
  });

  it('when the statement holds HTML and script, then every page shows it as text', async () => {
    const letter = await buildLetter(t.ctx);
    const statement = '<script>alert(1)</script><img src=x onerror=alert(2)> "quoted" & more';
    const id = await endorseAndConfirm(t, letter.slug, endorseFields({ statement, organisation: '<b>Bold</b> Org' }));
    const owner = await loginAs(t, 'owner');
    const admin = (await owner.agent.get(`/admin/letters/${letter.slug}/endorsements`).expect(200)).text;
    await owner.post(moderatePath(letter.slug), { ids: String(id), action: 'approve' }).expect(303);
    for (const html of [admin, (await request(t.app).get(`/letters/${letter.slug}`)).text, (await request(t.app).get(`/letters/${letter.slug}/signatories`)).text, (await request(t.app).get(`/letters/${letter.slug}/dossier`)).text]) {
      expect(html).not.toContain('<script>alert');
      expect(html).not.toContain('<img src=x');
      expect(html).not.toContain('<b>Bold</b>');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
    expect((await request(t.app).get(`/api/letters/${letter.slug}/endorsements`)).body.endorsements[0].statement).toBe(statement);
  });

  it('when the letter is closed, then the form says so and a submission is refused with 409, storing nothing', async () => {
    const letter = await buildLetter(t.ctx, { status: 'closed' });
    expect((await request(t.app).get(`/letters/${letter.slug}/endorse`).expect(200)).text).toContain('not accepting endorsements');
    expect((await request(t.app).get(`/letters/${letter.slug}`)).text).not.toContain('Endorse as an organisation');
    await postEndorsement(t.app, letter.slug, endorseFields()).expect(409);
    expect(await endorsementsOf(t.ctx, letter.id)).toEqual([]);
  });

  it('when a draft or unknown letter is asked for, then the form and the API answer 404', async () => {
    const draft = await buildLetter(t.ctx, { status: 'draft' });
    for (const slug of [draft.slug, 'no-such-letter']) {
      await request(t.app).get(`/letters/${slug}/endorse`).expect(404);
      await request(t.app).get(`/api/letters/${slug}/endorsements`).expect(404);
      await postEndorsement(t.app, slug, endorseFields()).expect(404);
    }
  });

  it('when the honeypot is filled, then the answer is the usual one and nothing is stored or mailed', async () => {
    const letter = await buildLetter(t.ctx);
    await postEndorsement(t.app, letter.slug, endorseFields({ website: 'http://spam.example' })).expect(303);
    expect(await endorsementsOf(t.ctx, letter.id)).toEqual([]);
    expect(await outboxFor(t.ctx)).toEqual([]);
  });
});

describe('bot checks on the endorse form', () => {
  const guarded = appPerTest({ env: { SIGN_MIN_SECONDS: '3' } });

  it('when the form is sent with a stamp from the page after the wait, then it is stored; without a stamp, then it is silently dropped', async () => {
    const letter = await buildLetter(guarded.ctx);
    const stamp = stampFrom((await request(guarded.app).get(`/letters/${letter.slug}/endorse`).expect(200)).text);
    await postEndorsement(guarded.app, letter.slug, endorseFields()).expect(303);
    expect(await endorsementsOf(guarded.ctx, letter.id)).toEqual([]);
    guarded.clock.advance(5_000);
    await postEndorsement(guarded.app, letter.slug, endorseFields({ stamp })).expect(303);
    expect(await endorsementsOf(guarded.ctx, letter.id)).toHaveLength(1);
  });
});

describe('organisers judge endorsements', () => {
  it('when an organiser rejects an approved endorsement, then it leaves the public pages and the API', async () => {
    const letter = await buildLetter(t.ctx);
    const id = await endorseAndConfirm(t, letter.slug, endorseFields({ organisation: 'Printers Guild' }));
    const owner = await loginAs(t, 'owner');
    await owner.post(moderatePath(letter.slug), { ids: String(id), action: 'approve' }).expect(303);
    expect((await request(t.app).get(`/letters/${letter.slug}`)).text).toContain('Printers Guild');
    await owner.post(moderatePath(letter.slug), { ids: String(id), action: 'reject', state: 'approved' }).expect(303).expect('location', `/admin/letters/${letter.slug}/endorsements?state=approved&done=reject&changed=1`);
    for (const path of [`/letters/${letter.slug}`, `/letters/${letter.slug}/signatories`, `/letters/${letter.slug}/dossier`]) expect((await request(t.app).get(path)).text).not.toContain('Printers Guild');
    expect((await request(t.app).get(`/api/letters/${letter.slug}/endorsements`)).body).toMatchObject({ count: 0, endorsements: [] });
    expect(endorsementIdsOnPage((await owner.agent.get(`/admin/letters/${letter.slug}/endorsements?state=rejected`)).text)).toEqual([id]);
    expect(await auditRows(t, 'endorsements.reject')).toHaveLength(1);
  });

  it('when an organiser approves an endorsement its representative has not confirmed, then it is skipped and stays unpublished; an address outside the organisation’s domains is not marked verified', async () => {
    const letter = await buildLetter(t.ctx);
    await postEndorsement(t.app, letter.slug, endorseFields({ organisation: 'Quiet Org' })).expect(303);
    const [unconfirmed] = await endorsementsOf(t.ctx, letter.id);
    const owner = await loginAs(t, 'owner');
    expect(endorsementIdsOnPage((await owner.agent.get(`/admin/letters/${letter.slug}/endorsements?state=unconfirmed`)).text)).toEqual([unconfirmed!.id]);
    await owner.post(moderatePath(letter.slug), { ids: String(unconfirmed!.id), action: 'approve', state: 'unconfirmed' }).expect(303);
    expect((await endorsementsOf(t.ctx, letter.id))[0]?.state).toBe('unconfirmed');
    expect((await request(t.app).get(`/letters/${letter.slug}`)).text).not.toContain('Quiet Org');

    const id = await endorseAndConfirm(t, letter.slug, endorseFields({ organisation: 'Loud Org', email: 'someone@gmail.com' }));
    expect((await endorsementsOf(t.ctx, letter.id)).find((row) => row.id === id)).toMatchObject({ state: 'pending', verifiedDomain: null });
    expect((await owner.agent.get(`/admin/letters/${letter.slug}/endorsements`)).text).toContain('data-flag="unverified"');
  });

  it('when the moderation form is sent with no selection, a bad action or another letter’s ids, then it is refused or changes nothing', async () => {
    const letter = await buildLetter(t.ctx);
    const other = await buildLetter(t.ctx);
    const theirs = await endorseAndConfirm(t, other.slug, endorseFields());
    const owner = await loginAs(t, 'owner');
    expect((await owner.post(moderatePath(letter.slug), { action: 'approve' }).expect(422)).text).toContain('Select at least one endorsement.');
    expect((await owner.post(moderatePath(letter.slug), { ids: String(theirs), action: 'delete' }).expect(422)).text).toContain('approve or reject');
    await owner.post(moderatePath(letter.slug), { ids: ['1x'], action: 'approve' }).expect(422);
    await owner.post(moderatePath(letter.slug), { ids: String(theirs), action: 'approve' }).expect(303).expect('location', `/admin/letters/${letter.slug}/endorsements?done=approve&changed=0`);
    expect((await endorsementsOf(t.ctx, other.id))[0]?.state).toBe('pending');
  });
});

describe('endorsements and privacy', () => {
  it('when an owner erases an address, then its endorsements on every letter, their links and mails go too, and the public pages no longer show them', async () => {
    const letter = await buildLetter(t.ctx);
    const other = await buildLetter(t.ctx);
    const id = await endorseAndConfirm(t, letter.slug, endorseFields({ email: 'Erase.Me@union.example', organisation: 'Erased Union' }));
    await postEndorsement(t.app, other.slug, endorseFields({ email: 'erase.me@union.example' })).expect(303);
    const bystander = await endorseAndConfirm(t, letter.slug, endorseFields({ organisation: 'Staying Union' }));
    const owner = await loginAs(t, 'owner');
    await owner.post(moderatePath(letter.slug), { ids: [String(id), String(bystander)], action: 'approve' }).expect(303);
    expect((await request(t.app).get(`/letters/${letter.slug}`)).text).toContain('Erased Union');

    await owner.post('/admin/privacy/erase', { email: 'erase.me@union.example' }).expect(303);
    expect((await endorsementsOf(t.ctx, letter.id)).map((row) => row.id)).toEqual([bystander]);
    expect(await endorsementsOf(t.ctx, other.id)).toEqual([]);
    expect(await outboxFor(t.ctx, 'Erase.Me@union.example')).toEqual([]);
    expect(await outboxFor(t.ctx, 'erase.me@union.example')).toEqual([]);
    const page = (await request(t.app).get(`/letters/${letter.slug}`)).text;
    expect(page).not.toContain('Erased Union');
    expect(page).toContain('Staying Union');
    expect((await auditRows(t, 'signer.erase'))[0]?.details).toMatchObject({ endorsements: 2 });
  });

  it('when the privacy jobs run past the retention of unconfirmed entries, then endorsements never confirmed are deleted and confirmed ones stay', async () => {
    const letter = await buildLetter(t.ctx);
    await postEndorsement(t.app, letter.slug, endorseFields({ organisation: 'Never Confirmed' })).expect(303);
    await endorseAndConfirm(t, letter.slug, endorseFields({ organisation: 'Confirmed' }));
    t.clock.advance((t.config.unconfirmedRetentionDays + 1) * 24 * 60 * 60 * 1000);
    const summary = await runPrivacyJobs(t.ctx);
    expect(summary.unconfirmedEndorsementsDeleted).toBe(1);
    expect((await endorsementsOf(t.ctx, letter.id)).map((row) => row.organisationText)).toEqual(['Confirmed']);
  });
});

describe('the letter’s text changes', () => {
  it('when the text is republished, then an endorsement records the version current when it was sent', async () => {
    const letter = await buildLetter(t.ctx);
    await updateLetter(t.ctx, letter.slug, { ...(await reloadLetter(t.ctx, letter.slug)), body: 'We, the undersigned, ask for more.' }, SYSTEM_ACTOR);
    await postEndorsement(t.app, letter.slug, endorseFields()).expect(303);
    expect((await endorsementsOf(t.ctx, letter.id))[0]?.versionId).toBe((await reloadLetter(t.ctx, letter.slug)).currentVersionId);
  });
});

describe('an endorsement’s verified mark follows the organisation’s domains', () => {
  it('when an organisation’s verified domain is removed, then its endorsements from that domain lose the mark everywhere; when it is added back, they regain it', async () => {
    const letter = await buildLetter(t.ctx);
    const acme = await createOrganisation(t.ctx, { name: 'Acme Foundation', domains: ['acme.example'], actor: SYSTEM_ACTOR });
    const id = await endorseAndConfirm(t, letter.slug, endorseFields({ organisation: 'Acme Foundation', email: 'rep@acme.example' }));
    expect((await endorsementsOf(t.ctx, letter.id)).find((row) => row.id === id)?.verifiedDomain).toBe('acme.example');

    await setOrganisationDomains(t.ctx, { id: acme.id, domains: ['other-acme.example'], actor: SYSTEM_ACTOR });
    expect((await endorsementsOf(t.ctx, letter.id)).find((row) => row.id === id)?.verifiedDomain).toBeNull();

    await setOrganisationDomains(t.ctx, { id: acme.id, domains: ['acme.example'], actor: SYSTEM_ACTOR });
    expect((await endorsementsOf(t.ctx, letter.id)).find((row) => row.id === id)?.verifiedDomain).toBe('acme.example');
  });

  it('when the organisation an endorsement matched is merged into another, then the endorsement moves with it and is checked against the kept one’s domains', async () => {
    const letter = await buildLetter(t.ctx);
    const kept = await createOrganisation(t.ctx, { name: 'Acme Group', domains: ['acme-group.example'], actor: SYSTEM_ACTOR });
    const removed = await createOrganisation(t.ctx, { name: 'Acme Labs', domains: ['acme-labs.example'], actor: SYSTEM_ACTOR });
    const id = await endorseAndConfirm(t, letter.slug, endorseFields({ organisation: 'Acme Labs', email: 'rep@acme-labs.example' }));
    await mergeOrganisations(t.ctx, { keepId: kept.id, removeId: removed.id, actor: SYSTEM_ACTOR });
    expect((await endorsementsOf(t.ctx, letter.id)).find((row) => row.id === id)).toMatchObject({ organisationId: kept.id, verifiedDomain: 'acme-labs.example' });
  });
});

describe('counting endorsing organisations', () => {
  it('when three representatives of one organisation are approved (one typing its name in other case and spacing), then the letter page and the dossier count one organisation, and another makes two', async () => {
    const letter = await buildLetter(t.ctx);
    for (const organisationText of ['Acme Foundation', 'acme  foundation', 'ACME Foundation']) await buildEndorsement(t.ctx, letter, { state: 'approved', organisationText, organisationKey: 'acme foundation' });
    await buildEndorsement(t.ctx, letter, { state: 'approved', organisationText: 'Open Rights Group', organisationKey: 'open rights group' });
    const page = (await request(t.app).get(`/letters/${letter.slug}`).expect(200)).text;
    expect(page).toContain('<strong>2</strong> organisations endorse this letter');
    const dossier = (await request(t.app).get(`/letters/${letter.slug}/dossier`).expect(200)).text;
    expect(dossier).toMatch(/Endorsing organisations<\/dt><dd>2<\/dd>/);
  });
});

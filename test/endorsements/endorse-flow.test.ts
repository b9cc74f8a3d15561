import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createSmtpTransport } from '../../server/mail/transport.js';
import { createOrganisation } from '../../server/organisations/index.js';
import { SYSTEM_ACTOR } from '../../server/audit/index.js';
import { buildTestApp } from '../helpers/app.js';
import { auditRows } from '../helpers/admin-pages.js';
import { endorseFields, endorsementIdsOnPage, endorsementsOf, postEndorsement } from '../helpers/endorsements.js';
import { buildLetter, reloadLetter } from '../helpers/factories.js';
import { loginAs } from '../helpers/organisers.js';
import { closedAfterEach, linkIn, smtpSettingsFor, startSmtpPeer } from '../helpers/smtp.js';

const opened = closedAfterEach();

describe('an organisation endorses a letter, end to end', () => {
  it('when a representative sends the form, confirms by mail and an organiser approves, then the organisation shows on the letter page, the list and the API, counted apart from signatures', async () => {
    const peer = (opened.peer = await startSmtpPeer());
    const t = (opened.app = await buildTestApp({ transport: createSmtpTransport(smtpSettingsFor(peer.url)) }));
    const letter = await buildLetter(t.ctx, { title: 'Keep encryption strong' });
    await createOrganisation(t.ctx, { name: 'Open Rights Group', domains: ['openrights.example'], actor: SYSTEM_ACTOR });
    const form = (await request(t.app).get(`/letters/${letter.slug}/endorse`).expect(200)).text;
    expect(form).toContain(`action="/letters/${letter.slug}/endorsements"`);
    expect((await request(t.app).get(`/letters/${letter.slug}`).expect(200)).text).toContain(`href="/letters/${letter.slug}/endorse">Endorse as an organisation</a>`);

    const fields = endorseFields({ organisation: 'open rights group', email: 'rosa@openrights.example', statement: 'Encryption <b>protects</b> us all.' });
    await postEndorsement(t.app, letter.slug, fields).expect(303).expect('location', `/letters/${letter.slug}/endorsements/check-your-email`);
    expect((await request(t.app).get(`/letters/${letter.slug}/endorsements/check-your-email`).expect(200)).text).toContain('Check your email');

    await t.worker.drain();
    const [mail] = await peer.waitForMessages(1);
    expect(mail?.subject).toBe('Confirm your organisation\'s endorsement: Keep encryption strong');
    expect(mail?.html).toContain('/endorsements/confirm/');
    // Nothing typed in the form goes to an address nobody has confirmed yet.
    expect(`${mail?.text} ${mail?.html}`).not.toContain('protects');
    const confirmPath = new URL(linkIn(mail!, /\/endorsements\/confirm\/[\w-]{43}/)).pathname;

    const page = await request(t.app).get(confirmPath).expect(200).expect('referrer-policy', 'no-referrer');
    expect(page.text).toContain('Encryption &lt;b&gt;protects&lt;/b&gt; us all.');
    expect((await endorsementsOf(t.ctx, letter.id))[0]?.state).toBe('unconfirmed');
    await request(t.app).post(confirmPath).expect(200);
    const [stored] = await endorsementsOf(t.ctx, letter.id);
    expect(stored).toMatchObject({ state: 'pending', verifiedDomain: 'openrights.example' });

    const owner = await loginAs(t, 'owner');
    expect((await owner.agent.get(`/admin/letters/${letter.slug}`).expect(200)).text).toContain(`/admin/letters/${letter.slug}/endorsements`);
    const admin = (await owner.agent.get(`/admin/letters/${letter.slug}/endorsements`).expect(200)).text;
    expect(endorsementIdsOnPage(admin)).toEqual([stored!.id]);
    expect(admin).toContain('data-flag="verified"');
    // Not public until an organiser approves, whatever the letter's moderation.
    expect((await request(t.app).get(`/letters/${letter.slug}`)).text).not.toContain('Endorsing organisations');
    await owner.post(`/admin/letters/${letter.slug}/endorsements/moderate`, { ids: String(stored!.id), action: 'approve' }).expect(303);
    expect((await auditRows(t, 'endorsements.approve'))[0]).toMatchObject({ subject: `letter:${letter.slug}`, details: { ids: [stored!.id] } });

    for (const path of [`/letters/${letter.slug}`, `/letters/${letter.slug}/signatories`]) {
      const html = (await request(t.app).get(path).expect(200)).text;
      expect(html).toContain('Endorsing organisations');
      expect(html).toContain('Open Rights Group');
      expect(html).toContain('Verified: endorsed from an address at openrights.example');
      expect(html).toContain('<strong>1</strong> organisation endorses this letter');
      expect(html).toContain('Encryption &lt;b&gt;protects&lt;/b&gt; us all.');
      expect(html).not.toContain('rosa@openrights.example');
    }
    const api = (await request(t.app).get(`/api/letters/${letter.slug}/endorsements`).expect(200).expect('access-control-allow-origin', '*')).body;
    expect(api).toEqual({
      letter: { slug: letter.slug, title: 'Keep encryption strong' },
      count: 1,
      endorsements: [{ organisation: 'Open Rights Group', verifiedAffiliation: { domain: 'openrights.example' }, statement: 'Encryption <b>protects</b> us all.', representative: { name: fields.name, role: 'Director' }, endorsedAt: expect.any(String) }],
    });
    expect(JSON.stringify(api)).not.toContain('@');
    // Counted apart: the letter's signatures do not move.
    const after = await reloadLetter(t.ctx, letter.slug);
    expect([after.countPending, after.countApproved, after.countListed]).toEqual([0, 0, 0]);
    expect((await request(t.app).get(`/api/letters/${letter.slug}`)).body.counts).toEqual({ signatures: 0, listed: 0 });
  });
});

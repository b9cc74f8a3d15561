import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createSmtpTransport } from '../../server/mail/transport.js';
import { fillUpdateOutbox } from '../../server/updates/index.js';
import { buildTestApp } from '../helpers/app.js';
import { addTranslation, buildLetter, buildSignature, outboxFor, reloadLetter, signForm, tokenFromOutbox } from '../helpers/factories.js';
import { loginAs } from '../helpers/organisers.js';
import { closedAfterEach, smtpSettingsFor, startSmtpPeer } from '../helpers/smtp.js';
import { draftThroughForm, updatesPath } from '../updates/helpers.js';

const opened = closedAfterEach();

const htmlLang = (html: string) => /<html lang="([^"]+)">/.exec(html)?.[1];

/** An English letter with a French translation, in an app whose mail goes to a real SMTP peer. */
async function bilingualCampaign() {
  const peer = (opened.peer = await startSmtpPeer());
  const t = (opened.app = await buildTestApp({ transport: createSmtpTransport(smtpSettingsFor(peer.url)) }));
  const letter = await buildLetter(t.ctx, { title: 'Keep the archive open', moderation: 'post' });
  await addTranslation(t.ctx, letter, 'fr', { title: 'Gardez les archives ouvertes', body: 'Nous demandons des archives ouvertes.' });
  return { t, peer, letter: await reloadLetter(t.ctx, letter.slug) };
}

describe('the campaign pages and mails in the reader’s language', () => {
  it('when a reader opens the endorse form with ?lang=fr, then it is French, posts in French, and its confirmation mail, link and page are French', async () => {
    const { t, letter } = await bilingualCampaign();
    const form = await request(t.app).get(`/letters/${letter.slug}/endorse?lang=fr`).expect(200);
    expect(htmlLang(form.text)).toBe('fr');
    expect(form.text).toContain('au nom d’une organisation</h1>');
    expect(form.text).toContain(`action="/letters/${letter.slug}/endorsements?lang=fr"`);

    const refused = await request(t.app).post(`/letters/${letter.slug}/endorsements?lang=fr`).type('form').send({ organisation: '', name: 'Léa', email: 'lea@archives.example', role: 'Directrice' }).expect(422);
    expect(htmlLang(refused.text)).toBe('fr');
    expect(refused.text).toContain('Indiquez votre organisation');

    const sent = await request(t.app).post(`/letters/${letter.slug}/endorsements?lang=fr`).type('form').send({ organisation: 'Archives ouvertes', name: 'Léa', email: 'lea@archives.example', role: 'Directrice' }).expect(303);
    expect(sent.headers.location).toBe(`/letters/${letter.slug}/endorsements/check-your-email?lang=fr`);
    expect(htmlLang((await request(t.app).get(sent.headers.location!).expect(200)).text)).toBe('fr');

    const [mail] = await outboxFor(t.ctx, 'lea@archives.example');
    expect(mail?.lang).toBe('fr');
    expect(mail?.textBody).toContain('au nom d’une organisation');
    const confirmPath = /\/endorsements\/confirm\/[\w-]{43}\?lang=fr/.exec(mail!.textBody)?.[0];
    const page = await request(t.app).get(confirmPath!).expect(200);
    expect(htmlLang(page.text)).toBe('fr');
    expect(page.text).toContain('Confirmer le soutien');
  });

  it('when an owner sends an update, then a French signer gets it in French at the SMTP peer and the unsubscribe page is French; an English signer’s stays English', async () => {
    const { t, peer, letter } = await bilingualCampaign();
    await buildSignature(t.ctx, letter, { email: 'lea@example.org', name: 'Léa Martin', state: 'approved', contactUpdates: true, lang: 'fr' });
    await buildSignature(t.ctx, letter, { email: 'ada@example.org', name: 'Ada Lovelace', state: 'approved', contactUpdates: true, lang: 'en' });
    const owner = await loginAs(t, 'owner');
    const id = await draftThroughForm(owner, letter.slug, { subject: 'We delivered it', body: 'It went **today**.' });
    await owner.post(`${updatesPath(letter.slug)}/${id}/send`).expect(303);
    await fillUpdateOutbox(t.ctx, { batchSize: 10, backlogLimit: 10 });
    await t.worker.drain();

    const mails = await peer.waitForMessages(2);
    const to = (address: string) => mails.find((mail) => mail.to && 'value' in mail.to && mail.to.value[0]?.address === address);
    const french = to('lea@example.org');
    expect(french?.headers.get('content-language')).toBe('fr');
    expect(french?.subject).toBe('We delivered it (Keep the archive open)');
    expect(french?.html).toContain('<html lang="fr">');
    expect(french?.text).toContain('Bonjour Léa Martin,');
    expect(french?.text).toContain('Des nouvelles des organisateurs de « Keep the archive open »');
    expect(french?.text).toContain('Pour ne plus les recevoir');
    const english = to('ada@example.org');
    expect(english?.headers.get('content-language')).toBe('en');
    expect(english?.text).toContain('To stop them:');

    const unsubscribe = new URL(/http:\/\/\S+\/unsubscribe\/[\w-]{43}/.exec(french!.text!)![0]).pathname;
    const page = await request(t.app).get(unsubscribe).expect(200);
    expect(htmlLang(page.text)).toBe('fr');
    expect(page.text).toContain('<h1>Arrêter les nouvelles</h1>');
    expect(htmlLang((await request(t.app).get(`${unsubscribe}?lang=de`).expect(200)).text)).toBe('de');
    const done = await request(t.app).post(unsubscribe).type('form').send({}).expect(200);
    expect(done.text).toContain('Vous ne recevrez plus de nouvelles');
  });

  it('when a French signer opens the edit link from the thank-you mail, then the edit page, its errors and the saved page are French', async () => {
    const { t, letter } = await bilingualCampaign();
    const fields = signForm({ email: 'lea@example.org', name: 'Léa Martin' });
    await request(t.app).post(`/letters/${letter.slug}/signatures?lang=fr`).type('form').send(fields).expect(303);
    await request(t.app).post(`/signatures/confirm/${await tokenFromOutbox(t.ctx, 'lea@example.org', 'confirm')}`).expect(200);
    const edit = `/signatures/edit/${await tokenFromOutbox(t.ctx, 'lea@example.org', 'edit')}`;

    const page = await request(t.app).get(edit).set('Accept-Language', 'en').expect(200);
    expect(htmlLang(page.text)).toBe('fr');
    expect(page.text).toContain('<h1>Modifier votre inscription</h1>');
    expect(page.text).toContain('data-error-required="Indiquez votre nom"');

    const refused = await request(t.app).post(edit).type('form').send({ name: '' }).expect(422);
    expect(htmlLang(refused.text)).toBe('fr');
    expect(refused.text).toContain('Indiquez votre nom');
    expect(refused.text).not.toContain('sign.fields');

    const saved = await request(t.app).post(edit).type('form').send({ name: 'Léa Martin', title: 'Archiviste', public: 'yes', updates: 'no' }).expect(200);
    expect(saved.text).toContain('Votre inscription a été enregistrée');
  });
});

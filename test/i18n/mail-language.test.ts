import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createSmtpTransport } from '../../server/mail/transport.js';
import { buildTestApp } from '../helpers/app.js';
import { addTranslation, buildLetter } from '../helpers/factories.js';
import { closedAfterEach, linkIn, smtpSettingsFor, startSmtpPeer } from '../helpers/smtp.js';

const opened = closedAfterEach();

describe('mail in the signer’s language', () => {
  it('when a French reader signs and confirms, then both mails reach the SMTP peer in French, with Content-Language and <html lang="fr">, and the confirm page is French', async () => {
    const peer = (opened.peer = await startSmtpPeer());
    const t = (opened.app = await buildTestApp({ transport: createSmtpTransport(smtpSettingsFor(peer.url)) }));
    const letter = await buildLetter(t.ctx, { title: 'Keep the archive open', moderation: 'post' });
    await addTranslation(t.ctx, letter, 'fr', { title: 'Gardez les archives ouvertes', body: 'Nous demandons des archives ouvertes.' });
    await request(t.app).post(`/letters/${letter.slug}/signatures?lang=fr`).type('form').send({ name: 'Léa Martin', email: 'lea@example.org' }).expect(303);

    await t.worker.drain();
    const [confirmMail] = await peer.waitForMessages(1);
    expect(confirmMail?.subject).toBe('Confirmez votre signature : Gardez les archives ouvertes');
    expect(confirmMail?.headers.get('content-language')).toBe('fr');
    expect(confirmMail?.html).toContain('<html lang="fr">');
    expect(confirmMail?.text).toContain('Merci de confirmer que vous souhaitez signer « Gardez les archives ouvertes »');
    expect(confirmMail?.text).toContain(`/letters/${letter.slug}?lang=fr`);

    const confirmPath = new URL(linkIn(confirmMail!, /\/signatures\/confirm\/[\w-]{43}/) as string, t.config.baseUrl).pathname;
    const page = await request(t.app).get(confirmPath).expect(200);
    expect(page.text).toContain('<html lang="fr">');
    expect(page.text).toContain('Confirmer ma signature');
    const confirmed = await request(t.app).post(confirmPath).type('form').send({}).expect(200);
    expect(confirmed.text).toContain('Merci d’avoir signé');

    await t.worker.drain();
    const [, thanks] = await peer.waitForMessages(2);
    expect(thanks?.subject).toBe('Merci d’avoir signé : Gardez les archives ouvertes');
    expect(thanks?.headers.get('content-language')).toBe('fr');
    expect(thanks?.text).toContain('Vous pouvez retirer votre signature à tout moment');
    expect(thanks?.html).toContain('Retirer ma signature');
  });

  it('when an English reader signs the same letter, then the mail is English and says so', async () => {
    const peer = (opened.peer = await startSmtpPeer());
    const t = (opened.app = await buildTestApp({ transport: createSmtpTransport(smtpSettingsFor(peer.url)) }));
    const letter = await buildLetter(t.ctx, { title: 'Keep the archive open' });
    await addTranslation(t.ctx, letter, 'fr');
    await request(t.app).post(`/letters/${letter.slug}/signatures`).set('Accept-Language', 'en-GB').type('form').send({ name: 'Ada', email: 'ada@example.org' }).expect(303);
    await t.worker.drain();
    const [mail] = await peer.waitForMessages(1);
    expect(mail?.subject).toBe('Confirm your signature: Keep the archive open');
    expect(mail?.headers.get('content-language')).toBe('en');
    expect(mail?.html).toContain('<html lang="en">');
  });
});

import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { updateLetter } from '../../server/letters/manage-letter.js';
import { appPerTest } from '../helpers/app.js';
import { createMailViews, renderMail } from '../../server/mail/compose.js';
import { addTranslation, buildLetter, outboxFor, reloadLetter, signatureByEmail, signForm } from '../helpers/factories.js';
import { stampFrom } from '../helpers/public-site.js';

const t = appPerTest();

const htmlLang = (html: string) => /<html lang="([^"]+)">/.exec(html)?.[1];
const links = (html: string, rel: string) => [...html.matchAll(new RegExp(`<link rel="${rel}"(?: hreflang="([^"]+)")? href="([^"]+)">`, 'g'))].map((match) => (match[1] ? `${match[1]} ${match[2]}` : match[2]));
const get = (path: string, acceptLanguage?: string) => {
  const req = request(t.app).get(path);
  return acceptLanguage ? req.set('Accept-Language', acceptLanguage) : req;
};

/** A letter in English with a French translation. */
async function bilingualLetter() {
  const letter = await buildLetter(t.ctx, { title: 'Keep the archive open', body: 'We ask the ministry to keep the archive open.' });
  const french = await addTranslation(t.ctx, letter, 'fr', { title: 'Gardez les archives ouvertes', summary: 'Une lettre au ministère.', body: 'Nous demandons au ministère de garder les archives ouvertes.' });
  return { letter: await reloadLetter(t.ctx, letter.slug), french };
}

describe('the interface language of site pages', () => {
  it('when Accept-Language prefers French over German by q-value, then the home page is French, says so in <html lang>, and varies on Accept-Language', async () => {
    const res = await get('/', 'de;q=0.5, fr;q=0.9, en;q=0.1').expect(200);
    expect(htmlLang(res.text)).toBe('fr');
    expect(res.text).toContain('Lettres ouvertes');
    expect(res.headers.vary).toMatch(/Accept-Language/i);
  });

  it('when ?lang names a site language, then it wins over Accept-Language; an unknown ?lang is ignored, never an error', async () => {
    expect(htmlLang((await get('/?lang=de', 'fr').expect(200)).text)).toBe('de');
    expect(htmlLang((await get('/?lang=xx', 'fr-FR,fr;q=0.9').expect(200)).text)).toBe('fr');
    expect(htmlLang((await get('/?lang=%3Cscript%3E').expect(200)).text)).toBe('en');
    expect(htmlLang((await get('/privacy', 'es, it').expect(200)).text)).toBe('en');
  });

  it('when ?lang does not settle the interface (unknown, or a letter language the site does not speak), then the answer still varies on Accept-Language; a ?lang that settles it does not', async () => {
    expect((await get('/?lang=xx', 'de').expect(200)).headers.vary).toMatch(/Accept-Language/i);
    const letter = await buildLetter(t.ctx, { title: 'Keep the archive open' });
    await addTranslation(t.ctx, letter, 'es', { title: 'Mantengan el archivo abierto' });
    const spanish = await get(`/letters/${letter.slug}?lang=es`, 'de').expect(200);
    expect(htmlLang(spanish.text)).toBe('de');
    expect(spanish.headers.vary).toMatch(/Accept-Language/i);
    expect((await get(`/letters/${letter.slug}/signatories?lang=es`, 'fr').expect(200)).headers.vary).toMatch(/Accept-Language/i);
    expect((await get('/?lang=fr', 'de').expect(200)).headers.vary ?? '').not.toMatch(/Accept-Language/i);
  });

  it('when a letter has a regional translation (de-AT), then its readers get the German interface around it and its signers mail in German', async () => {
    const letter = await buildLetter(t.ctx, { title: 'Keep the archive open' });
    await addTranslation(t.ctx, letter, 'de-AT', { title: 'Haltet das Archiv offen' });
    const page = await get(`/letters/${letter.slug}?lang=de-AT`, 'en').expect(200);
    expect(page.text).toContain('Brief unterschreiben');
    expect(page.text).toContain('Haltet das Archiv offen');
    const stamp = stampFrom(page.text);
    await request(t.app).post(`/letters/${letter.slug}/signatures?lang=de-AT`).type('form').send({ ...signForm({ email: 'wien@example.at' }), stamp }).expect(303);
    const [mail] = await outboxFor(t.ctx, 'wien@example.at');
    expect(JSON.parse(mail!.content!)).toMatchObject({ lang: 'de-AT' });
    expect(renderMail(createMailViews(), 'confirm-signature', JSON.parse(mail!.content!))).toMatchObject({ lang: 'de', subject: expect.stringContaining('Bestätigen') });
  });

  it('when a French reader asks for a page that does not exist, then the 404 page is in French', async () => {
    const res = await get('/letters/no-such-letter', 'fr').expect(404);
    expect(htmlLang(res.text)).toBe('fr');
    expect(res.text).toContain('Nous n’avons pas trouvé cette lettre');
  });

  it('when the privacy page is read in German, then its periods are written in German with German plurals', async () => {
    const res = await get('/privacy?lang=de').expect(200);
    expect(res.text).toContain('Datenschutz');
    expect(res.text).toMatch(/\d+ Tage/);
  });
});

describe('a letter in several languages', () => {
  it('when a French reader opens the letter, then the text and the interface are French, with hreflang alternates, x-default, a canonical address and a switcher', async () => {
    const { letter } = await bilingualLetter();
    const res = await get(`/letters/${letter.slug}`, 'fr-FR,fr;q=0.9,en;q=0.5').expect(200);
    expect(htmlLang(res.text)).toBe('fr');
    expect(res.text).toContain('Gardez les archives ouvertes');
    expect(res.text).toContain('Nous demandons au ministère');
    expect(res.text).toContain('Signer la lettre');
    const base = `${t.config.baseUrl}/letters/${letter.slug}`;
    expect(links(res.text, 'alternate')).toEqual([`en ${base}?lang=en`, `fr ${base}?lang=fr`, `x-default ${base}`]);
    expect(links(res.text, 'canonical')).toEqual([`${base}?lang=fr`]);
    expect(res.text).toContain(`<a href="/letters/${letter.slug}?lang=en" hreflang="en" lang="en">English</a>`);
    expect(res.text).toContain(`<a href="/letters/${letter.slug}?lang=fr" hreflang="fr" lang="fr" aria-current="true">Français</a>`);
    expect(res.headers.vary).toMatch(/Accept-Language/i);
  });

  it('when readers in each language follow one another, then each gets the page kept for its language, never another one', async () => {
    const { letter } = await bilingualLetter();
    for (const [accept, title] of [['en', 'Keep the archive open'], ['fr', 'Gardez les archives ouvertes'], ['en', 'Keep the archive open'], ['de, fr;q=0.8', 'Gardez les archives ouvertes']] as const) {
      const res = await get(`/letters/${letter.slug}`, accept).expect(200);
      expect(res.text).toContain(`<h1 id="letter-title">${title}</h1>`);
    }
    expect((await get(`/letters/${letter.slug}?lang=en`, 'fr').expect(200)).text).toContain('Keep the archive open');
  });

  it('when a letter has no translation, then every reader gets its own language, interface included, with no alternates', async () => {
    const letter = await buildLetter(t.ctx, { title: 'Only in English' });
    const res = await get(`/letters/${letter.slug}?lang=fr`, 'fr').expect(200);
    expect(htmlLang(res.text)).toBe('en');
    expect(res.text).toContain('Sign the letter');
    expect(links(res.text, 'alternate')).toEqual([]);
    expect(links(res.text, 'canonical')).toEqual([`${t.config.baseUrl}/letters/${letter.slug}`]);
  });

  it('when a French reader signs, then the signature records French and the French version, and the answer stays French', async () => {
    const { letter, french } = await bilingualLetter();
    const stamp = stampFrom((await get(`/letters/${letter.slug}?lang=fr`).expect(200)).text);
    const res = await request(t.app).post(`/letters/${letter.slug}/signatures?lang=fr`).type('form').send(signForm({ email: 'lea@example.org', stamp }));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/letters/${letter.slug}/check-your-email?lang=fr`);
    const signature = await signatureByEmail(t.ctx, 'lea@example.org');
    expect(signature).toMatchObject({ lang: 'fr', versionId: french.id });
    const check = await get(res.headers.location as string).expect(200);
    expect(htmlLang(check.text)).toBe('fr');
    expect(check.text).toContain('Consultez vos e-mails');
  });

  it('when a French form comes back with errors, then they are said in French', async () => {
    const { letter } = await bilingualLetter();
    const res = await request(t.app).post(`/letters/${letter.slug}/signatures?lang=fr`).type('form').send(signForm({ name: ' ', email: 'a@' }));
    expect(res.status).toBe(422);
    expect(htmlLang(res.text)).toBe('fr');
    expect(res.text).toContain('Indiquez votre nom');
    expect(res.text).toContain('Indiquez une adresse e-mail au bon format');
    expect(res.text).toContain('Il y a un problème');
  });

  it('when the French text changes while a French reader reads, then 409 in French links the French changes; a new English version does not stop a French signer', async () => {
    const { letter } = await bilingualLetter();
    const stamp = stampFrom((await get(`/letters/${letter.slug}?lang=fr`).expect(200)).text);
    await updateLetter(t.ctx, letter.slug, { ...(await reloadLetter(t.ctx, letter.slug)), body: 'We now ask for something else.' }, SYSTEM_ACTOR);
    const fine = await request(t.app).post(`/letters/${letter.slug}/signatures?lang=fr`).type('form').send(signForm({ email: 'first@example.org', stamp }));
    expect(fine.status).toBe(303);

    await addTranslation(t.ctx, letter, 'fr', { title: 'Gardez les archives ouvertes', body: 'Nous demandons désormais autre chose.' });
    const res = await request(t.app).post(`/letters/${letter.slug}/signatures?lang=fr`).type('form').send(signForm({ email: 'second@example.org', stamp }));
    expect(res.status).toBe(409);
    expect(res.text).toContain('Le texte de cette lettre a changé pendant que vous le lisiez');
    expect(res.text).toContain(`href="/letters/${letter.slug}/versions/1..2?lang=fr"`);
    expect(res.text).toContain('Nous demandons désormais autre chose.');
    expect(await signatureByEmail(t.ctx, 'second@example.org')).toBeUndefined();
  });

  it('when the history is read per language, then each language has its own numbered versions and diffs', async () => {
    const { letter } = await bilingualLetter();
    await addTranslation(t.ctx, letter, 'fr', { title: 'Gardez les archives ouvertes', body: 'Nous demandons davantage.' });
    const history = await get(`/letters/${letter.slug}/versions?lang=fr`).expect(200);
    expect(htmlLang(history.text)).toBe('fr');
    expect(history.text).toContain('Historique des versions');
    expect(history.text).toContain(`href="/letters/${letter.slug}/versions/1..2?lang=fr"`);
    const diff = await get(`/letters/${letter.slug}/versions/1..2?lang=fr`).expect(200);
    expect(diff.text).toMatch(/<ins>[^<]*davantage/);
    expect((await get(`/letters/${letter.slug}/versions/2?lang=en`)).status).toBe(404);
    const compare = await get(`/letters/${letter.slug}/versions?from=1&to=2&lang=fr`).expect(303);
    expect(compare.headers.location).toBe(`/letters/${letter.slug}/versions/1..2?lang=fr`);
  });
});

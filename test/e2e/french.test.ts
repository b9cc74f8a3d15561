import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_LETTER } from '../../server/letters/demo-letter.js';
import { DEMO_TRANSLATIONS } from '../../server/letters/demo-translations.js';
import { browserSiteForFile } from '../helpers/browser-site.js';
import { countOn } from '../helpers/signer-journey.js';
import { linkIn } from '../helpers/smtp.js';
import type { TestSite } from '../helpers/site.js';

const LETTER = `/letters/${DEMO_LETTER.slug}`;
const shared = browserSiteForFile();
let site: TestSite;
beforeAll(() => {
  site = shared.site;
});

const heading = (page: Page) => page.locator('h1').textContent();
const htmlLang = (page: Page) => page.locator('html').getAttribute('lang');
/** The names on the public list, in the order shown. */
const listedNames = async (page: Page, path: string) => {
  await page.goto(site.url + path);
  return page.locator('#signatories .signatory-name').allTextContents();
};

describe('a French reader in a real browser', () => {
  it('when a browser set to French opens the letter, signs, confirms from the French mail and withdraws, then every page and mail is French, and the count and list are the ones English readers see', async () => {
    const page = await shared.openPage({ locale: 'fr-FR', extraHTTPHeaders: { 'Accept-Language': 'fr-FR,fr;q=0.9' } });
    const english = await shared.openPage({ locale: 'en-GB' });

    await page.goto(site.url + LETTER);
    expect(await htmlLang(page)).toBe('fr');
    expect(await page.locator('#letter-title').textContent()).toBe(DEMO_TRANSLATIONS.fr?.title);
    await english.goto(site.url + LETTER);
    expect(await htmlLang(english)).toBe('en');
    const before = await countOn(page);
    expect(await countOn(english)).toBe(before);

    await page.getByLabel('Nom complet').fill('Léa Martin');
    await page.getByLabel('Adresse e-mail').fill('lea.martin@example.org');
    await page.getByLabel('Organisation').fill('Université de Lyon');
    await page.getByRole('button', { name: 'Signer la lettre' }).click();
    await page.waitForURL(/\/check-your-email/);
    expect(await heading(page)).toBe('Consultez vos e-mails');

    const mail = await site.mailTo('lea.martin@example.org');
    expect(mail.subject).toBe(`Confirmez votre signature : ${DEMO_TRANSLATIONS.fr?.title}`);
    expect(mail.headers.get('content-language')).toBe('fr');
    expect(mail.html).toContain('<html lang="fr">');
    await page.goto(site.local(linkIn(mail, /\/signatures\/confirm\//)));
    expect(await htmlLang(page)).toBe('fr');
    expect(await heading(page)).toBe('Confirmez votre signature');
    await page.getByRole('button', { name: 'Confirmer ma signature' }).click();
    await page.getByRole('heading', { level: 1, name: 'Merci d’avoir signé' }).waitFor();

    await page.getByRole('link', { name: 'Retour à la lettre' }).click();
    await page.waitForURL(/\?lang=fr$/);
    const after = await countOn(page);
    expect(after).toBe(before + 1);
    await english.goto(site.url + LETTER);
    expect(await countOn(english)).toBe(after);
    expect(await listedNames(page, `${LETTER}/signatories`)).toEqual(await listedNames(english, `${LETTER}/signatories`));

    const thanks = await site.mailTo('lea.martin@example.org');
    expect(thanks.subject).toBe(`Merci d’avoir signé : ${DEMO_TRANSLATIONS.fr?.title}`);
    await page.goto(site.local(linkIn(thanks, /\/signatures\/withdraw\//)));
    expect(await heading(page)).toBe('Retirer votre signature');
    await page.getByRole('button', { name: 'Retirer ma signature' }).click();
    await page.getByRole('heading', { level: 1, name: 'Votre signature a été retirée' }).waitFor();
    expect(await htmlLang(page)).toBe('fr');

    await english.goto(site.url + LETTER);
    expect(await countOn(english)).toBe(before);
    await page.context().close();
    await english.context().close();
  });

  it('when the reader picks Deutsch on the switcher (no JavaScript), then the letter is German and the switcher marks it', async () => {
    const page = await shared.openPage({ javaScriptEnabled: false, locale: 'fr-FR' });
    await page.goto(site.url + LETTER);
    await page.getByRole('link', { name: 'Deutsch' }).click();
    expect(await htmlLang(page)).toBe('de');
    expect(await page.locator('#letter-title').textContent()).toBe(DEMO_TRANSLATIONS.de?.title);
    expect(await page.locator('.language-switcher [aria-current="true"]').textContent()).toBe('Deutsch');
    await page.context().close();
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { browserSiteForFile } from '../helpers/browser-site.js';
import { buildLetter } from '../helpers/factories.js';
import { newPeople, signAndConfirmInBrowser } from '../helpers/signer-journey.js';
import { linkIn } from '../helpers/smtp.js';
import type { TestSite } from '../helpers/site.js';

const shared = browserSiteForFile();
const newPerson = newPeople('Dorothy Vaughan', 'West Computing', 'Supervisor');
let site: TestSite;
beforeAll(() => {
  site = shared.site;
});

/** The thank-you mail to an address, once it has come (the confirm mail comes first). */
async function thankYouMailTo(address: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const mail = await site.mailTo(address);
    if (mail.subject?.startsWith('Thank you for signing')) return mail;
    if (Date.now() > deadline) throw new Error(`no thank-you mail to ${address}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a signer edits their entry in a real browser', () => {
  it.each([true, false])('when a person signs, confirms, opens the edit link from the thank-you mail and changes the role (JavaScript %s), then the list shows the new role', async (javaScriptEnabled) => {
    const letter = await buildLetter(site.ctx, { moderation: 'post', title: 'A post-moderated letter' });
    const person = newPerson();
    const page = await shared.openPage({ javaScriptEnabled });
    await signAndConfirmInBrowser(page, site, `/letters/${letter.slug}`, person);

    const mail = await thankYouMailTo(person.email);
    expect(mail.html).toContain('Edit my entry');
    await page.goto(site.local(linkIn(mail, /\/signatures\/edit\/[\w-]{43}/)));
    await page.getByRole('heading', { level: 1, name: 'Edit your entry' }).waitFor();
    expect(await page.getByLabel('Role or title').inputValue()).toBe(person.title);
    await page.getByLabel('Role or title').fill('Head of Numerical Analysis');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save my entry' }).click()]);
    await page.getByRole('heading', { level: 1, name: 'Your entry was saved' }).waitFor();

    await page.getByRole('link', { name: 'See the list of signatories' }).click();
    await page.waitForURL(new RegExp(`/letters/${letter.slug}/signatories`));
    const entry = page.locator('.signatory', { hasText: person.name });
    await expect.poll(() => entry.textContent()).toContain('Head of Numerical Analysis');
    expect(await entry.textContent()).not.toContain(person.title);
    await page.context().close();
  });
});

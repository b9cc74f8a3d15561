import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { DEMO_LETTER } from '../../server/letters/demo-letter.js';
import { createOrganisation } from '../../server/organisations/create-organisation.js';
import { browserSiteForFile } from '../helpers/browser-site.js';
import { createOrganiser, signInInBrowser } from '../helpers/organisers.js';
import { linkIn } from '../helpers/smtp.js';

const LETTER = `/letters/${DEMO_LETTER.slug}`;
const shared = browserSiteForFile();

describe('an organisation endorses in the browser', () => {
  it('when a representative endorses through the form, confirms from the mailed link and an organiser approves, then the organisation shows on the letter page as verified, apart from the signature count', async () => {
    const { site } = shared;
    await createOrganisation(site.ctx, { name: 'Digital Rights Watch', domains: ['rights.example'], actor: SYSTEM_ACTOR });
    const representative = await shared.openPage();
    await representative.goto(site.url + LETTER);
    const countBefore = await representative.locator('#signature-count strong').textContent();
    await representative.getByRole('link', { name: 'Endorse as an organisation' }).click();
    await representative.getByLabel('Organisation', { exact: true }).fill('Digital Rights Watch');
    await representative.getByLabel('Representative’s full name', { exact: true }).fill('Lina Ben');
    await representative.getByLabel('Work email address', { exact: true }).fill('lina@rights.example');
    await representative.getByLabel('Role at the organisation', { exact: true }).fill('Executive director');
    await representative.getByLabel('Statement (optional)').fill('Our members stand behind every word.');
    await representative.getByRole('button', { name: 'Send the endorsement' }).click();
    await representative.getByRole('heading', { name: 'Check your email' }).waitFor();

    const mail = await site.mailTo('lina@rights.example');
    expect(mail.html).toBeTruthy();
    await representative.goto(site.local(linkIn(mail, /\/endorsements\/confirm\/[\w-]{43}/)));
    await expect(representative.locator('#endorsement-details').textContent()).resolves.toContain('Digital Rights Watch');
    await representative.getByRole('button', { name: 'Confirm the endorsement' }).click();
    await representative.getByRole('heading', { name: 'Thank you: the endorsement is confirmed' }).waitFor();

    const organiser = await shared.openPage();
    await signInInBrowser(organiser, site.url, await createOrganiser(site, 'owner'));
    await organiser.goto(`${site.url}/admin/letters/${DEMO_LETTER.slug}`);
    await organiser.getByRole('link', { name: 'Endorsements' }).click();
    await organiser.getByLabel('Select the endorsement by Digital Rights Watch', { exact: true }).check();
    await organiser.getByRole('button', { name: 'Approve', exact: true }).click();
    await organiser.getByRole('status').filter({ hasText: '1 endorsement approved.' }).waitFor();

    await representative.goto(site.url + LETTER);
    const section = representative.getByRole('region', { name: 'Endorsing organisations' });
    await expect(section.textContent()).resolves.toContain('Digital Rights Watch');
    await expect(section.textContent()).resolves.toContain('Verified: endorsed from an address at rights.example');
    await expect(section.textContent()).resolves.toContain('Our members stand behind every word.');
    await expect(representative.locator('#endorsement-count').textContent()).resolves.toContain('1 organisation endorses this letter');
    expect(await representative.locator('#signature-count strong').textContent()).toBe(countBefore);
    expect(await representative.content()).not.toContain('lina@rights.example');
  });
});

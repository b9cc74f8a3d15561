import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { DEMO_LETTER } from '../../server/letters/demo-letter.js';
import { moderateSignatures } from '../../server/moderation/moderate-signatures.js';
import { importSignatures } from '../../server/signatures/import-signatures.js';
import { fillUpdateOutbox } from '../../server/updates/index.js';
import { browserSiteForFile } from '../helpers/browser-site.js';
import { signatureByEmail } from '../helpers/factories.js';
import { createOrganiser, signInInBrowser } from '../helpers/organisers.js';
import { signAndConfirm } from '../helpers/site.js';
import { linkIn } from '../helpers/smtp.js';

const LETTER = `/letters/${DEMO_LETTER.slug}`;
const ADMIN = `/admin/letters/${DEMO_LETTER.slug}`;
const shared = browserSiteForFile();

describe('a campaign after the signing, in the browser', () => {
  it('when an owner writes, previews and sends an update, then a signer who asked gets it with a one-click unsubscribe link, and pressing Stop updates on its page stops them', async () => {
    const { site } = shared;
    await signAndConfirm(site, DEMO_LETTER.slug, { name: 'Noor Haddad', email: 'noor@example.org', updates: 'yes' });
    const owner = await shared.openPage();
    await signInInBrowser(owner, site.url, await createOrganiser(site, 'owner'));
    await owner.goto(site.url + ADMIN);
    await owner.getByRole('link', { name: 'Updates' }).click();
    await owner.getByLabel('Subject', { exact: true }).fill('We handed the letter in');
    await owner.getByLabel('Text', { exact: true }).fill('Thank you all. **Next:** the hearing.');
    await owner.getByRole('button', { name: 'Preview' }).click();
    await owner.getByRole('button', { name: /^Send to 1 signer$/ }).click();

    await fillUpdateOutbox(site.ctx, { batchSize: 10, backlogLimit: 10 });
    const mail = await site.mailTo('noor@example.org', 10_000, 'We handed the letter in');
    expect(mail.html).toContain('<strong>Next:</strong>');
    expect(mail.headerLines.find((line) => line.key === 'list-unsubscribe-post')?.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    const reader = await shared.openPage();
    await reader.goto(site.local(linkIn(mail, /\/unsubscribe\/[\w-]{43}/)));
    await reader.getByRole('button', { name: 'Stop updates' }).click();
    await expect(reader.locator('main').textContent()).resolves.toContain('You get no more updates');
  });

  it('when an owner records the delivery and the response, then the letter page says to whom and when it went and what they answered', async () => {
    const { site } = shared;
    const owner = await shared.openPage();
    await signInInBrowser(owner, site.url, await createOrganiser(site, 'owner'));
    await owner.goto(site.url + ADMIN);
    await owner.getByRole('link', { name: 'Delivery' }).click();
    await owner.getByLabel('Delivered to', { exact: false }).first().fill('The Minister for Digital Affairs');
    await owner.getByLabel('On', { exact: true }).fill('2026-12-01');
    await owner.getByLabel(/^Responded on/).fill('2026-12-20');
    await owner.getByLabel(/^Response/).first().fill('We will review the rules in spring.');
    await owner.getByRole('button', { name: 'Save delivery' }).click();

    const reader = await shared.openPage();
    await reader.goto(site.url + LETTER);
    const delivered = reader.getByRole('region', { name: 'Delivered' });
    await expect(delivered.textContent()).resolves.toContain('The Minister for Digital Affairs');
    await expect(delivered.textContent()).resolves.toContain('We will review the rules in spring.');
  });

  it('when a signatory gathered elsewhere is imported, then nothing is listed until they confirm from the invitation in the browser (and, on this pre-moderated letter, are approved)', async () => {
    const { site } = shared;
    await importSignatures(site.ctx, DEMO_LETTER.slug, [{ line: 2, values: { name: 'Imani Clarke', email: 'imani@example.org', organisation: 'Tidewater Labs', role: 'Engineer' } }], 'The Coalition', SYSTEM_ACTOR);
    const reader = await shared.openPage();
    await reader.goto(`${site.url}${LETTER}/signatories?q=Imani`);
    expect(await reader.locator('main').textContent()).not.toContain('Imani Clarke');

    const mail = await site.mailTo('imani@example.org');
    expect(mail.text).toContain('The Coalition');
    await reader.goto(site.local(linkIn(mail, /\/signatures\/confirm\/[\w-]{43}/)));
    await reader.getByRole('button', { name: 'Confirm my signature' }).click();
    await reader.getByRole('heading', { name: 'Thank you for signing' }).waitFor();
    // The demo letter is moderated before listing, as every other signature is.
    const signature = await signatureByEmail(site.ctx, 'imani@example.org');
    await moderateSignatures(site.ctx, { letterId: signature!.letterId, ids: [signature!.id], action: 'approve', actor: SYSTEM_ACTOR });
    await reader.goto(`${site.url}${LETTER}/signatories?q=Imani`);
    await expect(reader.locator('main').textContent()).resolves.toContain('Imani Clarke');
  });
});

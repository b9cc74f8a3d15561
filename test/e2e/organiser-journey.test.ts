import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContextOptions, Locator, Page } from 'playwright-core';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { DEMO_LETTER } from '../../server/letters/demo-letter.js';
import { createOrganisation } from '../../server/organisations/create-organisation.js';
import { scrollsSideways } from '../helpers/browser.js';
import { browserSiteForFile } from '../helpers/browser-site.js';
import { parseCsv } from '../helpers/csv.js';
import { createOrganiser, signInInBrowser } from '../helpers/organisers.js';
import { newPeople, signAndConfirmInBrowser } from '../helpers/signer-journey.js';
import { signAndConfirm, type TestSite } from '../helpers/site.js';

const LETTER = `/letters/${DEMO_LETTER.slug}`;
const QUEUE = `/admin/letters/${DEMO_LETTER.slug}/signatures`;

const shared = browserSiteForFile();
const newPerson = newPeople('Mary Jackson', 'Langley Research', 'Engineer');
const openPage = (options?: BrowserContextOptions) => shared.openPage(options);
let site: TestSite;
beforeAll(() => {
  site = shared.site;
});

/** An owner of the site, signed in through the login form in a fresh browser context. */
async function organiserPage(options: BrowserContextOptions = {}): Promise<Page> {
  const page = await openPage(options);
  await signInInBrowser(page, site.url, await createOrganiser(site, 'owner'));
  return page;
}

/** Saves what a click downloads, through the browser's own download, and parses it as CSV. */
async function downloadCsv(page: Page, trigger: Locator): Promise<Array<Record<string, string>>> {
  const [download] = await Promise.all([page.waitForEvent('download'), trigger.click()]);
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  return parseCsv(await readFile(await download.path(), 'utf8'));
}

/** From the dashboard, as an organiser would: the letter, its queue, tick the signer, Approve. */
async function approveInQueue(page: Page, name: string): Promise<void> {
  await page.goto(`${site.url}/admin`);
  await page.getByRole('link', { name: DEMO_LETTER.title }).click();
  await page.getByRole('link', { name: 'Moderate signatures' }).click();
  await page.getByLabel(`Select ${name}`, { exact: true }).check();
  await page.getByRole('button', { name: 'Approve', exact: true }).click();
  await page.getByRole('status').filter({ hasText: '1 signature approved.' }).waitFor();
  expect(await page.locator('tbody tr', { hasText: name }).count()).toBe(0);
}

/** The organiser's export, from the form on the letter's page: approved signatures, with email addresses for an owner. */
async function exportApproved(page: Page): Promise<Array<Record<string, string>>> {
  await page.goto(`${site.url}/admin/letters/${DEMO_LETTER.slug}`);
  await page.getByLabel('State').selectOption('approved');
  return downloadCsv(page, page.getByRole('button', { name: 'Download CSV' }));
}

/**
 * Sign → mail → confirm → approve as organiser → the name on the public list and in its CSV →
 * the organiser's CSV export holds the signer with their address. Every download goes through the browser.
 */
async function wholeJourney(options: BrowserContextOptions): Promise<void> {
  const person = newPerson();
  const signerPage = await openPage(options);
  const { before, after } = await signAndConfirmInBrowser(signerPage, site, LETTER, person);
  expect(after).toBe(before + 1);

  await signerPage.goto(`${site.url}${LETTER}/signatories`);
  expect(await signerPage.locator('.signatory-name').allTextContents()).not.toContain(person.name);

  const organiser = await organiserPage(options);
  await approveInQueue(organiser, person.name);

  await signerPage.reload();
  expect(await signerPage.locator('.signatory-name').allTextContents()).toContain(person.name);
  const publicRows = await downloadCsv(signerPage, signerPage.getByRole('link', { name: 'Download this list as CSV' }));
  expect(publicRows).toContainEqual(expect.objectContaining({ Name: person.name, Role: person.title, Organisation: person.organisation }));
  expect(JSON.stringify(publicRows)).not.toContain(person.email);
  await signerPage.context().close();

  const exported = await exportApproved(organiser);
  expect(exported).toContainEqual(expect.objectContaining({ state: 'approved', name: person.name, email: person.email, organisation: person.organisation, role: person.title }));
  expect(exported.every((row) => row.state === 'approved')).toBe(true);
  await organiser.context().close();
}

describe('from a signature to the organiser’s export, in a real browser', () => {
  it('when a person signs and confirms and an organiser approves them, then they are on the public list, in its CSV and in the organiser’s export', async () => {
    await wholeJourney({});
  });

  it('when JavaScript is off, then the same journey works', async () => {
    await wholeJourney({ javaScriptEnabled: false });
  });
});

describe('the moderation queue from the keyboard', () => {
  it('when a moderator only uses the keyboard, then Tab reaches “select all” with a visible focus on the way, Space ticks every row and Approve approves them all', async () => {
    // The signing itself is tested above; here three signatures only need to be waiting.
    for (let i = 0; i < 3; i += 1) await signAndConfirm(site, DEMO_LETTER.slug, { ...newPerson(), comment: '' });
    const page = await organiserPage();
    await page.goto(site.url + QUEUE);
    const pending = await page.locator('tbody tr[data-signature-id]').count();
    expect(pending).toBeGreaterThanOrEqual(3);

    /** What has the focus, and whether it is drawn: an outline, a ring (box-shadow) or a filled background. */
    const focused = () =>
      page.evaluate(`(() => {
        const element = document.activeElement;
        const style = getComputedStyle(element);
        const drawn = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
        return { id: element.id, tag: element.tagName, text: (element.textContent || element.value || '').trim().slice(0, 40), drawn };
      })()`) as Promise<{ id: string; tag: string; text: string; drawn: boolean }>;

    const stops: Array<Awaited<ReturnType<typeof focused>>> = [];
    for (let presses = 0; presses < 80; presses += 1) {
      await page.keyboard.press('Tab');
      stops.push(await focused());
      if (stops.at(-1)?.id === 'select-all-ids') break;
    }
    expect(stops.at(-1)?.id).toBe('select-all-ids');
    expect(stops.filter((stop) => !stop.drawn)).toEqual([]);

    await page.keyboard.press('Space');
    expect(await page.locator('tbody input[name=ids]:checked').count()).toBe(pending);
    for (let presses = 0; presses < 10 && (await focused()).text !== 'Approve'; presses += 1) await page.keyboard.press('Shift+Tab');
    expect(await focused()).toMatchObject({ tag: 'BUTTON', text: 'Approve', drawn: true });
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: `${pending} signatures approved.` }).waitFor();
    expect(await page.locator('tbody tr[data-signature-id]').count()).toBe(0);
    await page.context().close();
  });
});

describe('organiser pages on a 320 px phone', () => {
  it('when the screen is 320 px wide, then no organiser page scrolls sideways: wide tables scroll inside their own box', async () => {
    const page = await organiserPage({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true });
    const organisation = await createOrganisation(site.ctx, { name: 'Langley Research Center of the National Advisory Committee', domains: ['example.org'], actor: SYSTEM_ACTOR });
    const paths = ['/admin', '/admin/letters', `/admin/letters/${DEMO_LETTER.slug}`, `/admin/letters/${DEMO_LETTER.slug}/edit`, `${QUEUE}?state=all`, '/admin/organisations', `/admin/organisations/${organisation.id}`, '/admin/organisers', '/admin/audit', '/admin/blocks', '/admin/privacy'];
    const wideTables: string[] = [];
    for (const path of paths) {
      await page.goto(site.url + path);
      expect(await scrollsSideways(page), `${path} scrolls sideways`).toBe(false);
      const scrollingBoxes = await page.locator('.table-scroll').evaluateAll((boxes) => boxes.filter((box) => box.scrollWidth > box.clientWidth).length);
      if (scrollingBoxes > 0) wideTables.push(path);
    }
    expect(wideTables).toContain(`${QUEUE}?state=all`);
    await page.context().close();
  });
});

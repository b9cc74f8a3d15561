/**
 * `npm run screenshots`: starts the real server on a temporary database with the demo letter and a
 * few confirmed signatures, and saves PNGs of the public pages to docs/screenshots/ for the README.
 */
import { mkdirSync } from 'node:fs';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { DEMO_LETTER } from '../server/letters/demo-letter.js';
import { projectPath } from '../server/lib/project-root.js';
import { launchBrowser } from '../test/helpers/browser.js';
import { signAndConfirm, startTestSite } from '../test/helpers/site.js';

const OUT = projectPath('docs', 'screenshots');
const LETTER = `/letters/${DEMO_LETTER.slug}`;

const DEMO_SIGNERS = [
  ['Amara Okafor', 'Maintainer', 'Open Compression Project'],
  ['Lukas Brenner', 'Security researcher', 'Nordlicht Labs'],
  ['Priya Raman', 'Professor of Computer Science', 'University of Eastfield'],
  ['Tomás Ferreira', 'Staff engineer', 'Harbour Systems'],
  ['Mei Chen', 'Fuzzing lead', 'Brightwater Security'],
  ['Jonas Lind', 'Independent researcher', ''],
] as const;

const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 900 } };
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

interface Shot {
  file: string;
  context: BrowserContextOptions;
  open(page: Page, url: string): Promise<unknown>;
  fullPage?: boolean;
}

const visit = (path: string) => (page: Page, url: string) => page.goto(url + path);
const submitEmptyForm = async (page: Page, url: string) => {
  await page.goto(url + LETTER);
  await page.locator('.sign-form button[type=submit]').click();
  await page.waitForSelector('.error-summary');
};

const SHOTS: Shot[] = [
  { file: 'letter-desktop.png', context: DESKTOP, open: visit(LETTER) },
  { file: 'letter-desktop-dark.png', context: { ...DESKTOP, colorScheme: 'dark' }, open: visit(LETTER) },
  { file: 'letter-phone.png', context: PHONE, open: visit(LETTER) },
  { file: 'letter-phone-form.png', context: PHONE, open: async (page, url) => (await page.goto(url + LETTER), page.locator('.sign-form').scrollIntoViewIfNeeded()) },
  { file: 'letter-phone-errors.png', context: { ...PHONE, javaScriptEnabled: false }, open: submitEmptyForm },
  { file: 'home-desktop.png', context: DESKTOP, open: visit('/') },
  { file: 'check-your-email-phone.png', context: PHONE, open: visit(`${LETTER}/check-your-email`) },
  { file: 'not-found-phone-dark.png', context: { ...PHONE, colorScheme: 'dark' }, open: visit('/letters/no-such-letter') },
];

const site = await startTestSite();
try {
  for (const [name, title, organisation] of DEMO_SIGNERS) {
    const email = `${name.split(' ')[0]?.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()}@example.org`;
    await signAndConfirm(site, DEMO_LETTER.slug, { name, title, organisation, email, comment: '' });
  }
  mkdirSync(OUT, { recursive: true });
  const browser = await launchBrowser();
  try {
    for (const shot of SHOTS) {
      const context = await browser.newContext({ ...shot.context, reducedMotion: 'reduce' });
      const page = await context.newPage();
      await shot.open(page, site.url);
      await page.screenshot({ path: `${OUT}/${shot.file}`, fullPage: shot.fullPage ?? false });
      await context.close();
      console.log(`docs/screenshots/${shot.file}`);
    }
  } finally {
    await browser.close();
  }
} finally {
  await site.close();
}

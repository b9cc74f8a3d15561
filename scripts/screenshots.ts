/**
 * `npm run screenshots`: starts the real server on a temporary database with the demo letter and a
 * few confirmed signatures, and saves PNGs of the public pages to docs/screenshots/ for the README.
 */
import { mkdirSync } from 'node:fs';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { DEMO_LETTER } from '../server/letters/demo-letter.js';
import { projectPath } from '../server/lib/project-root.js';
import { launchBrowser } from '../test/helpers/browser.js';
import { tokenFromOutbox } from '../test/helpers/factories.js';
import { signAndConfirm, startTestSite, type TestSite } from '../test/helpers/site.js';

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

/** Links only a signer's mail would give: filled in once the demo signatures exist. */
interface Links {
  confirm: string;
  confirmToPress: string;
}

interface Shot {
  file: string;
  context: BrowserContextOptions;
  open(page: Page, url: string, links: Links): Promise<unknown>;
}

const visit = (path: string | ((links: Links) => string)) => (page: Page, url: string, links: Links) =>
  page.goto(url + (typeof path === 'string' ? path : path(links)));

const submitEmptyForm = async (page: Page, url: string) => {
  await page.goto(url + LETTER);
  await page.getByRole('button', { name: 'Sign the letter' }).click();
  await page.waitForSelector('.error-summary');
};

const pressConfirm = async (page: Page, url: string, links: Links) => {
  await page.goto(url + links.confirmToPress);
  await page.getByRole('button', { name: 'Confirm my signature' }).click();
  await page.getByRole('heading', { name: 'Thank you for signing' }).waitFor();
};

const SHOTS: Shot[] = [
  { file: 'letter-desktop.png', context: DESKTOP, open: visit(LETTER) },
  { file: 'letter-desktop-dark.png', context: { ...DESKTOP, colorScheme: 'dark' }, open: visit(LETTER) },
  { file: 'letter-phone.png', context: PHONE, open: visit(LETTER) },
  { file: 'letter-phone-form.png', context: PHONE, open: visit(`${LETTER}#sign`) },
  { file: 'letter-phone-errors.png', context: { ...PHONE, javaScriptEnabled: false }, open: submitEmptyForm },
  { file: 'home-desktop.png', context: DESKTOP, open: visit('/') },
  { file: 'check-your-email-phone.png', context: PHONE, open: visit(`${LETTER}/check-your-email`) },
  { file: 'confirm-desktop.png', context: DESKTOP, open: visit((links) => links.confirm) },
  { file: 'thank-you-phone-dark.png', context: { ...PHONE, colorScheme: 'dark' }, open: pressConfirm },
  { file: 'not-found-phone.png', context: PHONE, open: visit('/letters/no-such-letter') },
];

async function signOnly(site: TestSite, name: string, email: string): Promise<string> {
  await fetch(`${site.url}${LETTER}/signatures`, { method: 'POST', body: new URLSearchParams({ name, email, organisation: 'Harbour Systems' }), redirect: 'manual' });
  return `/signatures/confirm/${tokenFromOutbox(site, email, 'confirm')}`;
}

const site = await startTestSite();
try {
  for (const [name, title, organisation] of DEMO_SIGNERS) {
    const email = `${name.split(' ')[0]?.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()}@example.org`;
    await signAndConfirm(site, DEMO_LETTER.slug, { name, title, organisation, email, comment: '' });
  }
  const links: Links = {
    confirm: await signOnly(site, 'Grace Hopper', 'grace@example.org'),
    confirmToPress: await signOnly(site, 'Alan Turing', 'alan@example.org'),
  };
  mkdirSync(OUT, { recursive: true });
  const browser = await launchBrowser();
  try {
    for (const shot of SHOTS) {
      const context = await browser.newContext({ ...shot.context, reducedMotion: 'reduce' });
      const page = await context.newPage();
      await shot.open(page, site.url, links);
      await page.screenshot({ path: `${OUT}/${shot.file}` });
      await context.close();
      console.log(`docs/screenshots/${shot.file}`);
    }
  } finally {
    await browser.close();
  }
} finally {
  await site.close();
}

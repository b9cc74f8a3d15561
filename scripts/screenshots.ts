/**
 * `npm run screenshots`: starts the real server on a temporary database with the demo letter, a
 * few listed signatories and a few waiting for a moderator, and saves PNGs of the public pages, the
 * public list, the moderation queue, endorsements and the dossier to docs/screenshots/ for the README.
 */
import { mkdirSync } from 'node:fs';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { SYSTEM_ACTOR } from '../server/audit/record.js';
import { endorsements } from '../server/db/schema.js';
import { DEMO_LETTER } from '../server/letters/demo-letter.js';
import { findLetter as findLetterBySlug } from '../server/letters/find-letter.js';
import { projectPath } from '../server/lib/project-root.js';
import { createOrganisation } from '../server/organisations/create-organisation.js';
import { moderateSignatures } from '../server/moderation/moderate-signatures.js';
import { recordDelivery } from '../server/dossier/delivery.js';
import { draftUpdate } from '../server/updates/manage-updates.js';
import { launchBrowser } from '../test/helpers/browser.js';
import { signatureByEmail, tokenFromOutbox } from '../test/helpers/factories.js';
import { createOrganiser, signInInBrowser } from '../test/helpers/organisers.js';
import { signAndConfirm, startTestSite, type TestSite } from '../test/helpers/site.js';
import { moderateEndorsements } from '../server/endorsements/moderate-endorsements.js';
import { endorsementTokenFromOutbox } from '../test/helpers/endorsements.js';

const OUT = projectPath('docs', 'screenshots');
const LETTER = `/letters/${DEMO_LETTER.slug}`;

/** Name, role, organisation, email domain: listed on the letter once approved (the first two featured). */
const DEMO_SIGNERS = [
  ['Priya Raman', 'Professor of Computer Science', 'University of Eastfield', 'eastfield.example'],
  ['Amara Okafor', 'Maintainer', 'Open Compression Project', 'opencompression.example'],
  ['Lukas Brenner', 'Security researcher', 'Nordlicht Labs', 'nordlicht.example'],
  ['Tomás Ferreira', 'Staff engineer', 'Harbour Systems', 'harbour.example'],
  ['Mei Chen', 'Fuzzing lead', 'Brightwater Security', 'brightwater.example'],
  ['Jonas Lind', 'Independent researcher', '', 'mail.example'],
  ['Olusegun Adeyemi', 'PhD candidate', 'University of Eastfield', 'eastfield.example'],
  ['Sofia Marquez', 'Incident responder', 'Harbour Systems', 'harbour.example'],
] as const;

/** Confirmed, waiting in the moderation queue: a verified member, a famous name, a disposable address, a stranger. */
const WAITING_SIGNERS = [
  { name: 'Sam Rivera', title: 'Research assistant', organisation: 'Univ. of Eastfield', email: 'sam@eastfield.example', comment: 'Our lab finds bugs before attackers do.' },
  { name: 'Barack Obama', title: '', organisation: '', email: 'b.obama@example.com', comment: '' },
  { name: 'Kim Novak', title: 'Developer', organisation: 'Harbour Sys', email: 'kim@mailinator.com', comment: '', public: 'no' },
  { name: 'Ravi Patel', title: 'Red team lead', organisation: 'Kestrel Defence', email: 'ravi@kestrel.example', comment: 'Export rules should target misuse, not the tools defenders rely on.' },
] as const;

/** Organisations with verified domains, so listed signers at them carry the verified mark. */
const DEMO_ORGANISATIONS = [
  { name: 'University of Eastfield', aliases: ['Univ. of Eastfield'], domains: ['eastfield.example'] },
  { name: 'Open Compression Project', aliases: [], domains: ['opencompression.example'] },
  { name: 'Harbour Systems', aliases: ['Harbour Sys'], domains: ['harbour.example'] },
];

/** Organisations endorsing the letter: the first two approved (one from a verified domain), the last waiting for an organiser. */
const DEMO_ENDORSERS = [
  { organisation: 'Harbour Systems', name: 'Elena Duarte', role: 'Chief technology officer', email: 'elena@harbour.example', statement: 'Our defenders rely on these tools every day.', approve: true },
  { organisation: 'Coalition for Secure Code', name: 'Idris Bello', role: 'Policy director', email: 'idris@securecode.example', statement: '', approve: true },
  { organisation: 'Kestrel Defence', name: 'Ravi Patel', role: 'Head of research', email: 'ravi.patel@kestrel.example', statement: 'We add our name as an organisation.', approve: false },
];

const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 900 } };
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** Links only a signer's mail would give, and an organiser's sign-in: filled in once the demo data exist. */
interface Links {
  confirm: string;
  edit: string;
  update: string;
  confirmToPress: string;
  organiser: { email: string };
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

const signedIn = (path: string) => async (page: Page, url: string, links: Links) => {
  await signInInBrowser(page, url, links.organiser);
  await page.goto(url + path);
};

/** A page as it prints: the print stylesheet applied. */
const printed = (path: string) => async (page: Page, url: string) => {
  await page.emulateMedia({ media: 'print' });
  await page.goto(url + path);
};

/** The moderation queue as a moderator leaves it mid-way: two signatures ticked. */
const moderationQueue = async (page: Page, url: string, links: Links) => {
  await signInInBrowser(page, url, links.organiser);
  await page.goto(`${url}/admin/letters/${DEMO_LETTER.slug}/signatures`);
  await page.getByLabel('Select Sam Rivera', { exact: true }).check();
  await page.getByLabel('Select Ravi Patel', { exact: true }).check();
  await page.evaluate('window.scrollTo(0, 0)');
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
  { file: 'signatories-desktop.png', context: DESKTOP, open: visit(`${LETTER}/signatories`) },
  { file: 'signatories-phone-dark.png', context: { ...PHONE, colorScheme: 'dark' }, open: visit(`${LETTER}/signatories#featured-heading`) },
  { file: 'moderation-queue-desktop.png', context: { viewport: { width: 1280, height: 1180 } }, open: moderationQueue },
  { file: 'moderation-queue-phone.png', context: PHONE, open: moderationQueue },
  { file: 'endorse-form-desktop.png', context: DESKTOP, open: visit(`${LETTER}/endorse`) },
  { file: 'endorsing-organisations-desktop.png', context: DESKTOP, open: visit(`${LETTER}/signatories`) },
  { file: 'endorsements-admin-desktop.png', context: DESKTOP, open: signedIn(`/admin/letters/${DEMO_LETTER.slug}/endorsements`) },
  { file: 'dossier-print.png', context: DESKTOP, open: printed(`${LETTER}/dossier`) },
  { file: 'update-preview-desktop.png', context: { viewport: { width: 1280, height: 1100 } }, open: async (page, url, links) => signedIn(links.update)(page, url, links) },
  { file: 'edit-entry-phone.png', context: PHONE, open: visit((links) => links.edit) },
  { file: 'delivery-desktop.png', context: DESKTOP, open: visit(`${LETTER}#delivery-heading`) },
  { file: 'letter-french-phone.png', context: { ...PHONE, locale: 'fr-FR', extraHTTPHeaders: { 'Accept-Language': 'fr-FR,fr;q=0.9' } }, open: visit(LETTER) },
];

async function signOnly(site: TestSite, name: string, email: string): Promise<string> {
  await fetch(`${site.url}${LETTER}/signatures`, { method: 'POST', body: new URLSearchParams({ name, email, organisation: 'Harbour Systems' }), redirect: 'manual' });
  return `/signatures/confirm/${await tokenFromOutbox(site, email, 'confirm')}`;
}

const emailOf = (name: string, domain: string) => `${name.split(' ')[0]?.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()}@${domain}`;

/** Signs and confirms everyone through the public routes, lists the first ones, and leaves the rest for the queue. */
async function seed(site: TestSite): Promise<void> {
  for (const [name, title, organisation, domain] of DEMO_SIGNERS) {
    await signAndConfirm(site, DEMO_LETTER.slug, { name, title, organisation, email: emailOf(name, domain), comment: '' });
  }
  for (const signer of WAITING_SIGNERS) await signAndConfirm(site, DEMO_LETTER.slug, signer);
  for (const organisation of DEMO_ORGANISATIONS) await createOrganisation(site.ctx, { ...organisation, actor: SYSTEM_ACTOR });
  const letter = await findLetterBySlug(site.db, DEMO_LETTER.slug);
  if (!letter) throw new Error('no demo letter');
  const ids = (await Promise.all(DEMO_SIGNERS.map(async ([name, , , domain]) => (await signatureByEmail(site.ctx, emailOf(name, domain)))?.id ?? 0)));
  await moderateSignatures(site.ctx, { letterId: letter.id, ids, action: 'approve', actor: SYSTEM_ACTOR });
  await moderateSignatures(site.ctx, { letterId: letter.id, ids: ids.slice(0, 2), action: 'feature', actor: SYSTEM_ACTOR });
  for (const { approve: _approve, ...fields } of DEMO_ENDORSERS) {
    await fetch(`${site.url}${LETTER}/endorsements`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
    await fetch(`${site.url}/endorsements/confirm/${await endorsementTokenFromOutbox(site.ctx, fields.email)}`, { method: 'POST' });
  }
  const endorsementIds = (await site.db.select().from(endorsements)).filter((row) => DEMO_ENDORSERS.some((endorser) => endorser.approve && endorser.email === row.email)).map((row) => row.id);
  await moderateEndorsements(site.ctx, { slug: DEMO_LETTER.slug, ids: endorsementIds, action: 'approve', actor: SYSTEM_ACTOR });
  await recordDelivery(site.ctx, DEMO_LETTER.slug, DEMO_DELIVERY, SYSTEM_ACTOR);
}

const DEMO_DELIVERY = {
  recipient: 'The Minister for Digital Affairs',
  deliveredOn: '2026-11-20',
  deliveryNote: 'Handed over in person with 2,400 signatures and 12 endorsing organisations.',
  deliveryLink: '',
  responseOn: '2026-11-27',
  responseText: 'The ministry will hear researchers before the rules are final.',
  responseLink: '',
};

const DEMO_UPDATE = {
  subject: 'We handed the letter in',
  body: 'Thank you all: the letter went to the Minister **on 20 November**.\n\nNext, the public hearing. We will write again when its date is set.',
  showOnLetter: true,
};

const site = await startTestSite();
try {
  await seed(site);
  const links: Links = {
    confirm: await signOnly(site, 'Grace Hopper', 'grace@example.org'),
    confirmToPress: await signOnly(site, 'Alan Turing', 'alan@example.org'),
    edit: `/signatures/edit/${await tokenFromOutbox(site, emailOf('Priya Raman', 'eastfield.example'), 'edit')}`,
    update: `/admin/letters/${DEMO_LETTER.slug}/updates/${(await draftUpdate(site.ctx, DEMO_LETTER.slug, DEMO_UPDATE, SYSTEM_ACTOR)).id}`,
    organiser: await createOrganiser(site, 'moderator', { name: 'Maya Moderator', email: 'maya@organisers.example' }),
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

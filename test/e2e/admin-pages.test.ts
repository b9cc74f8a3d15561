import { afterAll, beforeAll, describe } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { DEMO_LETTER } from '../../server/letters/demo-letter.js';
import { findLetter as findLetterBySlug } from '../../server/letters/find-letter.js';
import { createOrganisation } from '../../server/organisations/create-organisation.js';
import { addPartner } from '../../server/partners/manage-partners.js';
import { buildEndorsement } from '../helpers/endorsements.js';
import { signatureEdits } from '../../server/db/schema.js';
import { draftUpdate, sendUpdate } from '../../server/updates/manage-updates.js';
import { launchBrowser } from '../helpers/browser.js';
import { buildLetter, buildSignature } from '../helpers/factories.js';
import { createOrganiser, signInInBrowser, TEST_PASSWORD } from '../helpers/organisers.js';
import { auditPages, itKeepsEveryPagePromise, press, submitForm, visit, type PageAudit, type PageCase } from '../helpers/page-audit.js';
import { startTestSite, type TestSite } from '../helpers/site.js';

const LETTER = `/admin/letters/${DEMO_LETTER.slug}`;
const QUEUE = `${LETTER}/signatures`;
const OWNER = { name: 'Olive Owner', email: 'olive@organisers.example' };

interface Fixtures {
  draft: string;
  /** Closed long enough ago to be anonymised. */
  closed: string;
  organisation: string;
  merge: string;
  /** A partner's edit page. */
  partner: string;
  /** A draft update's preview, and a sent update's page. */
  draftUpdate: string;
  sentUpdate: string;
}

/** Ticks the first signature in the queue and approves it: the queue then says what changed. */
const approveFirst = async (page: Page, base: string) => {
  await page.goto(base + QUEUE);
  await page.locator('tbody input[name=ids]').first().check();
  await Promise.all([page.waitForURL(/done=approve/), page.getByRole('button', { name: 'Approve', exact: true }).click()]);
};

/** Fills the add-a-block form on `path` with an email domain and presses Preview. */
const previewBlock = (path: string, domain: string) => async (page: Page, base: string) => {
  await page.goto(base + path);
  await page.getByLabel('Email domain').check();
  await page.getByLabel('Value', { exact: true }).fill(domain);
  await Promise.all([page.waitForURL(/\/preview$/), page.getByRole('button', { name: 'Preview' }).click()]);
};

/** Blocks a domain from its preview page: the blocks page then says what the rule caught. */
const applyBlock = async (page: Page, base: string) => {
  await previewBlock('/admin/blocks', 'rejected.example')(page, base);
  await Promise.all([page.waitForURL(/rejected=/), page.getByRole('button', { name: /^Block/ }).click()]);
};

/** Pages an organiser reaches before signing in. */
const SIGNED_OUT: ReadonlyArray<PageCase<Fixtures>> = [
  { name: 'sign in', status: 200, open: visit('/admin/login') },
  { name: 'sign in with errors', status: 422, open: submitForm('/admin/login', 'form', { 'Email address': 'not-an-address', Password: '' }) },
];

/** Every organiser page an owner sees, in each of its states. Adding a page is one line. */
const SIGNED_IN: ReadonlyArray<PageCase<Fixtures>> = [
  { name: 'dashboard', status: 200, open: visit('/admin') },
  { name: 'letters', status: 200, open: visit('/admin/letters') },
  { name: 'new letter', status: 200, open: visit('/admin/letters/new') },
  { name: 'new letter with errors', status: 422, open: submitForm('/admin/letters/new', 'form.letter-form', { Address: 'Not A Slug', Title: '' }) },
  { name: 'letter', status: 200, open: visit(LETTER) },
  { name: 'draft letter', status: 200, open: visit((f) => `/admin/letters/${f.draft}`) },
  { name: 'translations', status: 200, open: visit(`${LETTER}/translations`) },
  { name: 'translations, none yet', status: 200, open: visit((f) => `/admin/letters/${f.draft}/translations`) },
  { name: 'add a translation', status: 200, open: visit(`${LETTER}/translations/new`) },
  { name: 'add a translation with errors', status: 422, open: submitForm(`${LETTER}/translations/new`, 'form.letter-form', { 'Language code': 'français', Title: '' }) },
  { name: 'edit a translation', status: 200, open: visit(`${LETTER}/translations/fr`) },
  { name: 'edit letter', status: 200, open: visit(`${LETTER}/edit`) },
  { name: 'edit letter with errors', status: 422, open: submitForm(`${LETTER}/edit`, 'form.letter-form', { Title: '' }) },
  { name: 'letter preview', status: 200, open: press(`${LETTER}/edit`, 'Preview') },
  { name: 'closed letter', status: 200, open: visit((f) => `/admin/letters/${f.closed}`) },
  { name: 'anonymise a letter', status: 200, open: visit((f) => `/admin/letters/${f.closed}/anonymise`) },
  { name: 'moderation queue', status: 200, open: visit(QUEUE) },
  { name: 'moderation queue, all states', status: 200, open: visit(`${QUEUE}?state=all`) },
  { name: 'moderation queue, nothing in this state', status: 200, open: visit(`${QUEUE}?state=withdrawn`) },
  { name: 'moderation queue, first of several pages', status: 200, open: visit(`${QUEUE}?limit=2`) },
  { name: 'moderation queue, nothing selected', status: 422, open: press(QUEUE, 'Reject') },
  { name: 'moderation queue after approving', status: 200, open: approveFirst },
  { name: 'approve verified affiliations', status: 200, open: visit(`${QUEUE}/approve-verified`) },
  { name: 'organisations', status: 200, open: visit('/admin/organisations') },
  { name: 'organisations with errors', status: 422, open: submitForm('/admin/organisations', 'form[aria-labelledby=create-heading]', { Name: '' }) },
  { name: 'an organisation', status: 200, open: visit((f) => f.organisation) },
  { name: 'an organisation with errors', status: 422, open: submitForm((f) => f.organisation, 'form[aria-labelledby=domains-heading]', { 'Domains (optional)': 'gmail.com' }) },
  { name: 'merge organisations', status: 200, open: visit((f) => f.merge) },
  { name: 'organisers', status: 200, open: visit('/admin/organisers') },
  { name: 'organisers with errors', status: 422, open: submitForm('/admin/organisers', 'form[aria-labelledby=add-heading]', { Name: '', 'Email address': 'not-an-address' }) },
  { name: 'blocks on every letter', status: 200, open: visit('/admin/blocks') },
  { name: 'blocks with errors', status: 422, open: submitForm('/admin/blocks', 'form[aria-labelledby=add-heading]', { Value: '' }) },
  { name: 'block preview', status: 200, open: previewBlock(`${LETTER}/blocks`, 'example.com') },
  { name: 'blocks after applying one', status: 200, open: applyBlock },
  { name: 'privacy', status: 200, open: visit('/admin/privacy') },
  { name: 'privacy with errors', status: 422, open: submitForm('/admin/privacy', 'form[aria-labelledby=erase-heading]', { 'Email address': 'not-an-address' }) },
  { name: 'erase a signer', status: 200, open: submitForm('/admin/privacy', 'form[aria-labelledby=erase-heading]', { 'Email address': 'spam@example.com' }) },
  { name: 'privacy after running the jobs', status: 200, open: press('/admin/privacy', 'Run the privacy jobs now') },
  { name: 'audit log', status: 200, open: visit('/admin/audit') },
  { name: 'insights', status: 200, open: visit(`${LETTER}/insights`) },
  { name: 'insights, nothing confirmed yet', status: 200, open: visit((f) => `/admin/letters/${f.draft}/insights`) },
  { name: 'partners', status: 200, open: visit(`${LETTER}/partners`) },
  { name: 'partners with errors', status: 422, open: submitForm(`${LETTER}/partners`, 'form[aria-labelledby=add-heading]', { 'Partner name': '', Ref: 'Not A Ref' }) },
  { name: 'edit a partner', status: 200, open: visit((f) => f.partner) },
  { name: 'endorsements', status: 200, open: visit(`${LETTER}/endorsements`) },
  { name: 'endorsements, nothing in this state', status: 200, open: visit(`${LETTER}/endorsements?state=rejected`) },
  { name: 'endorsements, nothing selected', status: 422, open: press(`${LETTER}/endorsements`, 'Reject') },
  { name: 'updates', status: 200, open: visit(`${LETTER}/updates`) },
  { name: 'updates with errors', status: 422, open: submitForm(`${LETTER}/updates`, 'form[aria-labelledby=write-heading]', { Subject: '' }) },
  { name: 'update preview', status: 200, open: visit((f) => f.draftUpdate) },
  { name: 'update preview with errors', status: 422, open: submitForm((f) => f.draftUpdate, 'form[aria-labelledby=change-heading]', { Text: '' }) },
  { name: 'sent update', status: 200, open: visit((f) => f.sentUpdate) },
  { name: 'delivery, none yet', status: 200, open: visit(`${LETTER}/delivery`) },
  { name: 'delivery with errors', status: 422, open: submitForm(`${LETTER}/delivery`, 'form.panel', { 'Delivered to': '', 'Link (optional)': 'not a link', 'Response (optional)': 'No day given' }) },
  { name: 'delivery with a response', status: 200, open: submitForm(`${LETTER}/delivery`, 'form.panel', { 'Delivered to': 'The Minister', On: '2026-12-01', 'Responded on (optional)': '2026-12-20', 'Response (optional)': 'We will consider it.' }) },
];

const PAGES = [...SIGNED_OUT, ...SIGNED_IN];

let site: TestSite;
let browser: Browser;
const audits = new Map<string, PageAudit>();

/** A letter with signatures in every state and with every flag the queue shows, two organisations and a draft. */
async function prepare(): Promise<Fixtures> {
  const letter = await findLetterBySlug(site.db, DEMO_LETTER.slug);
  if (!letter) throw new Error('no demo letter');
  const at = (email: string) => ({ email, emailKey: email, emailDomain: email.split('@')[1] ?? '' });
  await buildSignature(site.ctx, letter, { state: 'pending', ...at('ada@example.org'), affiliationVerified: true, comment: 'Defenders need these tools. '.repeat(8) });
  await buildSignature(site.ctx, letter, { state: 'pending', ...at('grace@mailinator.com'), disposableEmail: true, showPublic: false, organisationText: '' });
  await buildSignature(site.ctx, letter, { state: 'pending', ...at('famous@example.net'), name: 'Ada Lovelace', holdReason: 'famous name' });
  await buildSignature(site.ctx, letter, { state: 'approved', ...at('mary@example.org'), featured: true, moderationNote: 'Known to us' });
  await buildSignature(site.ctx, letter, { state: 'rejected', ...at('spam@example.com') });
  await buildSignature(site.ctx, letter, { state: 'unconfirmed', ...at('later@example.com') });
  const kept = await createOrganisation(site.ctx, { name: 'Example Org', aliases: ['ExOrg'], domains: ['example.org'], actor: SYSTEM_ACTOR });
  const duplicate = await createOrganisation(site.ctx, { name: 'Example Organisation', actor: SYSTEM_ACTOR });
  const draft = await buildLetter(site.ctx, { status: 'draft', title: 'A draft letter' });
  const closed = await buildLetter(site.ctx, { title: 'A letter closed long ago', closesAt: new Date(site.clock.now().getTime() - 400 * 86_400_000) });
  await createOrganiser(site, 'owner', OWNER);
  const partner = await addPartner(site.ctx, DEMO_LETTER.slug, { name: 'Partner News', ref: 'partner-news', origins: ['https://news.example'] }, SYSTEM_ACTOR);
  await buildSignature(site.ctx, letter, { state: 'approved', ...at('reader@news.example'), source: 'partner-news' });
  await buildEndorsement(site.ctx, letter, { verifiedDomain: 'union.example', statement: 'We endorse this letter. '.repeat(6) });
  await buildEndorsement(site.ctx, letter);
  await buildEndorsement(site.ctx, letter, { state: 'approved' });
  await buildSignature(site.ctx, letter, { state: 'approved', ...at('subscriber@example.org'), contactUpdates: true });
  const draftOne = await draftUpdate(site.ctx, DEMO_LETTER.slug, { subject: 'A draft update', body: 'Not sent *yet*.', showOnLetter: false }, SYSTEM_ACTOR);
  const sentOne = await draftUpdate(site.ctx, DEMO_LETTER.slug, { subject: 'We delivered it', body: 'Handed in **today**.', showOnLetter: true }, SYSTEM_ACTOR);
  await sendUpdate(site.ctx, DEMO_LETTER.slug, sentOne.id, SYSTEM_ACTOR);
  // A listed signer's change waiting for a moderator.
  const listed = await buildSignature(site.ctx, letter, { state: 'approved', ...at('changer@example.org'), name: 'Listed Name' });
  await site.db.write((tx) => tx.insert(signatureEdits).values({ signatureId: listed.id, letterId: letter.id, name: 'Changed Name', title: 'New role', organisationText: 'New Org', showPublic: true, createdAt: site.clock.now() }));
  return {
    draftUpdate: `${LETTER}/updates/${draftOne.id}`,
    sentUpdate: `${LETTER}/updates/${sentOne.id}`,
    partner: `${LETTER}/partners/${partner.id}`, draft: draft.slug, closed: closed.slug, organisation: `/admin/organisations/${kept.id}`, merge: `/admin/organisations/merge?keep=${kept.id}&remove=${duplicate.id}` };
}

async function auditIn(context: BrowserContext, fixtures: Fixtures, cases: ReadonlyArray<PageCase<Fixtures>>): Promise<void> {
  context.setDefaultTimeout(10_000);
  for (const [name, audit] of await auditPages(context, site.url, fixtures, cases)) audits.set(name, audit);
  await context.close();
}

beforeAll(async () => {
  [site, browser] = await Promise.all([startTestSite(), launchBrowser()]);
  const fixtures = await prepare();
  await auditIn(await browser.newContext(), fixtures, SIGNED_OUT);
  const signedIn = await browser.newContext();
  const page = await signedIn.newPage();
  await signInInBrowser(page, site.url, OWNER, TEST_PASSWORD);
  await page.close();
  await auditIn(signedIn, fixtures, SIGNED_IN);
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

describe('every organiser page', () => {
  itKeepsEveryPagePromise(PAGES, () => audits);
});

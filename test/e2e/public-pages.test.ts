import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { outbox } from '../../server/db/schema.js';
import { DEMO_LETTER } from '../../server/letters/demo-letter.js';
import { updateLetter } from '../../server/letters/manage-letter.js';
import { findLetter as findLetterBySlug } from '../../server/letters/find-letter.js';
import { MAIL_SUBJECTS } from '../../server/mail/compose.js';
import { createOrganisation } from '../../server/organisations/create-organisation.js';
import { moderateSignatures } from '../../server/moderation/moderate-signatures.js';
import { sendConfirmationMail } from '../../server/signatures/sign-letter.js';
import { draftUpdate, sendUpdate } from '../../server/updates/manage-updates.js';
import { fillUpdateOutbox } from '../../server/updates/index.js';
import { importSignatures } from '../../server/signatures/import-signatures.js';
import { recordDelivery } from '../../server/dossier/delivery.js';
import { launchBrowser } from '../helpers/browser.js';
import { buildLetter, outboxFor, signatureByEmail, tokenFromOutbox } from '../helpers/factories.js';
import { auditPages, itKeepsEveryPagePromise, press, submitForm, visit, type PageAudit, type PageCase } from '../helpers/page-audit.js';
import { signAndConfirm, startTestSite, type TestSite } from '../helpers/site.js';
import { sqlRows } from '../helpers/database.js';
import { endorsementsOf, endorsementTokenFromOutbox } from '../helpers/endorsements.js';
import { moderateEndorsements } from '../../server/endorsements/moderate-endorsements.js';

const LETTER = `/letters/${DEMO_LETTER.slug}`;

interface Fixtures {
  confirm: (who: string) => Promise<string>;
  withdraw: (who: string) => Promise<string>;
  closedLetter: string;
  /** A letter whose text changes while a reader fills in its form (changeText). */
  changingLetter: string;
  changeText: () => Promise<unknown>;
  /** A confirm link that a newer mail to the same address replaced. */
  replacedConfirm: string;
  /** Changes the stored details of the 'details-changing' signer, as if they changed while its confirm page was open. */
  changeDetails: () => Promise<unknown>;
  mailId: number;
  /** The confirm page of an endorsement sent by `who` (see endorse). */
  endorsementConfirm: (who: string) => Promise<string>;
  edit: (who: string) => Promise<string>;
  /** The unsubscribe link of the update mailed to the subscriber. */
  unsubscribe: string;
}

/** Fills in the sign form, lets the text change, then sends it: the 409 page that asks to read the new text. */
const signAfterTheTextChanged: PageCase<Fixtures>['open'] = async (page, base, fixtures) => {
  await page.goto(base + fixtures.changingLetter);
  await page.getByLabel('Full name', { exact: true }).fill('Slow Reader');
  await page.getByLabel('Email address', { exact: true }).fill('slow-reader@example.org');
  await fixtures.changeText();
  await Promise.all([page.waitForNavigation(), page.locator('form.sign-form').evaluate((element) => element.submit())]);
};

/** Opens a confirm page, lets the stored details change, then presses Confirm: the 409 page showing them again. */
const confirmAfterTheDetailsChanged: PageCase<Fixtures>['open'] = async (page, base, fixtures) => {
  await page.goto(base + (await fixtures.confirm('details-changing')));
  await fixtures.changeDetails();
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Confirm my signature' }).click()]);
};

/** Every public page in each of its states. Adding a page is one line. */
const PAGES: ReadonlyArray<PageCase<Fixtures>> = [
  { name: 'home', status: 200, open: visit('/') },
  { name: 'letter', status: 200, open: visit(LETTER) },
  { name: 'letter with errors', status: 422, open: submitForm(LETTER, 'form.sign-form', { 'Full name': '', 'Email address': 'not-an-address' }) },
  { name: 'letter, text changed while read (409)', status: 409, open: signAfterTheTextChanged },
  { name: 'check your email', status: 200, open: visit(`${LETTER}/check-your-email`) },
  { name: 'confirm', status: 200, open: visit((f) => f.confirm('unconfirmed')) },
  { name: 'confirmed', status: 200, open: press((f) => f.confirm('about-to-confirm'), 'Confirm my signature') },
  { name: 'confirm, already confirmed', status: 200, open: visit((f) => f.confirm('confirmed')) },
  { name: 'confirm, details changed while open (409)', status: 409, open: confirmAfterTheDetailsChanged },
  { name: 'confirm link replaced by a newer mail (410)', status: 410, open: visit((f) => f.replacedConfirm) },
  { name: 'withdraw', status: 200, open: visit((f) => f.withdraw('confirmed')) },
  { name: 'withdrawn', status: 200, open: press((f) => f.withdraw('about-to-withdraw'), 'Withdraw my signature') },
  { name: 'edit your entry', status: 200, open: visit((f) => f.edit('listed-2')) },
  { name: 'edit your entry with errors', status: 422, open: submitForm((f) => f.edit('listed-2'), 'form[method=post]', { 'Full name': '' }) },
  { name: 'entry saved', status: 200, open: press((f) => f.edit('listed-3'), 'Save my entry') },
  { name: 'stop updates', status: 200, open: visit((f) => f.unsubscribe) },
  { name: 'updates stopped', status: 200, open: press((f) => f.unsubscribe, 'Stop updates') },
  { name: 'not found (404)', status: 404, open: visit('/no-such-page') },
  { name: 'expired link (410)', status: 410, open: visit((f) => f.confirm('expired')) },
  { name: 'closed letter', status: 200, open: visit((f) => f.closedLetter) },
  { name: 'signatories', status: 200, open: visit(`${LETTER}/signatories`) },
  { name: 'signatories, first of several pages', status: 200, open: visit(`${LETTER}/signatories?limit=2`) },
  { name: 'signatories, search with results', status: 200, open: visit(`${LETTER}/signatories?q=listed`) },
  { name: 'signatories, search without results', status: 200, open: visit(`${LETTER}/signatories?q=nobody+by+this+name`) },
  { name: 'signatories, none listed yet', status: 200, open: visit((f) => `${f.closedLetter}/signatories`) },
  { name: 'revision history', status: 200, open: visit(`${LETTER}/versions`) },
  { name: 'a version of the text', status: 200, open: visit(`${LETTER}/versions/1`) },
  { name: 'changes between two versions', status: 200, open: visit(`${LETTER}/versions/1..2`) },
  { name: 'embedded counter', status: 200, open: visit(`${LETTER}/embed`), framed: true },
  { name: 'embedded counter, closed letter', status: 200, open: visit((f) => `${f.closedLetter}/embed`), framed: true },
  { name: 'embedded sign form', status: 200, open: visit(`${LETTER}/embed/sign?ref=partner-news`), framed: true },
  { name: 'embedded sign form with errors', status: 422, open: submitForm(`${LETTER}/embed/sign?ref=partner-news`, 'form.sign-form', { 'Full name': '', 'Email address': 'not-an-address' }), framed: true },
  { name: 'embedded sign form, closed letter', status: 200, open: visit((f) => `${f.closedLetter}/embed/sign`), framed: true },
  { name: 'embedded check your email', status: 200, open: visit(`${LETTER}/embed/check-your-email?ref=partner-news`), framed: true },
  { name: 'endorse form', status: 200, open: visit(`${LETTER}/endorse`) },
  { name: 'endorse form with errors', status: 422, open: submitForm(`${LETTER}/endorse`, 'form.endorse-form', { Organisation: '', 'Work email address': 'not-an-address' }) },
  { name: 'endorse form, closed letter', status: 200, open: visit((f) => `${f.closedLetter}/endorse`) },
  { name: 'endorsement, check your email', status: 200, open: visit(`${LETTER}/endorsements/check-your-email`) },
  { name: 'endorsement confirm', status: 200, open: visit((f) => f.endorsementConfirm('endorser-unconfirmed')) },
  { name: 'endorsement confirmed', status: 200, open: press((f) => f.endorsementConfirm('endorser-about-to-confirm'), 'Confirm the endorsement') },
  { name: 'endorsement confirm, already confirmed', status: 200, open: visit((f) => f.endorsementConfirm('endorser-approved')) },
  { name: 'dossier', status: 200, open: visit(`${LETTER}/dossier`) },
  { name: 'privacy', status: 200, open: visit('/privacy') },
  // The same pages in French and German (the demo letter has both translations; see README "Languages").
  { name: 'home in French', lang: 'fr', status: 200, open: visit('/?lang=fr') },
  { name: 'letter in French', lang: 'fr', status: 200, open: visit(`${LETTER}?lang=fr`) },
  { name: 'letter in German', lang: 'de', status: 200, open: visit(`${LETTER}?lang=de`) },
  { name: 'letter in French with errors', lang: 'fr', status: 422, open: submitForm(`${LETTER}?lang=fr`, 'form.sign-form', { 'Nom complet': '', 'Adresse e-mail': 'not-an-address' }) },
  { name: 'letter in German with errors', lang: 'de', status: 422, open: submitForm(`${LETTER}?lang=de`, 'form.sign-form', { 'Vollständiger Name': '', 'E-Mail-Adresse': 'not-an-address' }) },
  { name: 'check your email in French', lang: 'fr', status: 200, open: visit(`${LETTER}/check-your-email?lang=fr`) },
  { name: 'confirm in French', lang: 'fr', status: 200, open: visit(async (f) => `${await f.confirm('unconfirmed')}?lang=fr`) },
  { name: 'confirm in German', lang: 'de', status: 200, open: visit(async (f) => `${await f.confirm('unconfirmed')}?lang=de`) },
  { name: 'withdraw in French', lang: 'fr', status: 200, open: visit(async (f) => `${await f.withdraw('confirmed')}?lang=fr`) },
  { name: 'signatories in French', lang: 'fr', status: 200, open: visit(`${LETTER}/signatories?lang=fr`) },
  { name: 'signatories in German', lang: 'de', status: 200, open: visit(`${LETTER}/signatories?lang=de&limit=2`) },
  { name: 'revision history in French', lang: 'fr', status: 200, open: visit(`${LETTER}/versions?lang=fr`) },
  { name: 'a version of the text in German', lang: 'de', status: 200, open: visit(`${LETTER}/versions/1?lang=de`) },
  { name: 'not found (404) in French', lang: 'fr', status: 404, open: visit('/no-such-page?lang=fr') },
  { name: 'endorse form in French', lang: 'fr', status: 200, open: visit(`${LETTER}/endorse?lang=fr`) },
  { name: 'endorse form in French with errors', lang: 'fr', status: 422, open: submitForm(`${LETTER}/endorse?lang=fr`, 'form.endorse-form', { Organisation: '', 'Adresse e-mail professionnelle': 'not-an-address' }) },
  { name: 'endorsement confirm in German', lang: 'de', status: 200, open: visit(async (f) => `${await f.endorsementConfirm('endorser-unconfirmed')}?lang=de`) },
  { name: 'edit your entry in French', lang: 'fr', status: 200, open: visit(async (f) => `${await f.edit('listed-2')}?lang=fr`) },
  { name: 'edit your entry in French with errors', lang: 'fr', status: 422, open: submitForm(async (f) => `${await f.edit('listed-2')}?lang=fr`, 'form[method=post]', { 'Nom complet': '' }) },
  { name: 'stop updates in German', lang: 'de', status: 200, open: visit((f) => `${f.unsubscribe}?lang=de`) },
  { name: 'dossier in French', lang: 'fr', status: 200, open: visit(`${LETTER}/dossier?lang=fr`) },
  { name: 'embedded sign form in French', lang: 'fr', status: 200, open: visit(`${LETTER}/embed/sign?ref=partner-news&lang=fr`), framed: true },
  { name: 'privacy in French', lang: 'fr', status: 200, open: visit('/privacy?lang=fr') },
  { name: 'privacy in German', lang: 'de', status: 200, open: visit('/privacy?lang=de') },
  { name: 'development mail outbox', status: 200, open: visit('/dev/mail') },
  // The HTML part sits in a sandboxed frame without scripts, which axe cannot enter; the HTML checker covers it.
  { name: 'a development mail', status: 200, open: visit((f) => `/dev/mail/${f.mailId}`), axeExclude: ['iframe.mail-html'] },
];

let site: TestSite;
const mails = async () => (await outboxFor(site.ctx)).map((mail) => ({ kind: mail.kind, html: mail.htmlBody }));
let browser: Browser;
let audits: Map<string, PageAudit>;

const emailOf = (who: string) => `${who}@example.org`;
const signer = (who: string) => ({ name: `Signer ${who}`, email: emailOf(who), organisation: 'Example Org', title: '', comment: '' });

async function endorse(who: string): Promise<void> {
  const fields = { organisation: `Organisation of ${who}`, name: `Representative ${who}`, email: emailOf(who), role: 'Director', statement: 'We endorse this letter.' };
  const response = await fetch(`${site.url}${LETTER}/endorsements`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
  expect(response.status).toBe(303);
}

async function sign(who: string): Promise<void> {
  const response = await fetch(`${site.url}${LETTER}/signatures`, { method: 'POST', body: new URLSearchParams(signer(who)), redirect: 'manual' });
  expect(response.status).toBe(303);
}

/** Approves signers so that they are listed, and features one of them. */
async function listSigners(letterId: number, who: string[], featured: string): Promise<void> {
  const idOf = async (person: string) => (await signatureByEmail(site.ctx, emailOf(person)))?.id ?? 0;
  await moderateSignatures(site.ctx, { letterId, ids: await Promise.all(who.map(idOf)), action: 'approve', actor: SYSTEM_ACTOR });
  await moderateSignatures(site.ctx, { letterId, ids: [await idOf(featured)], action: 'feature', actor: SYSTEM_ACTOR });
}

/** Signatures in every state the pages need, and at least one mail of every kind in the outbox. */
async function prepare(): Promise<Fixtures> {
  await sign('expired');
  site.clock.advanceDays(site.ctx.config.confirmTokenDays + 1);
  await sign('unconfirmed');
  await sign('about-to-confirm');
  await sign('details-changing');
  await sign('replaced');
  const replacedConfirm = `/signatures/confirm/${await tokenFromOutbox(site, emailOf('replaced'), 'confirm')}`;
  await sign('replaced');
  await signAndConfirm(site, DEMO_LETTER.slug, signer('confirmed'));
  await signAndConfirm(site, DEMO_LETTER.slug, signer('about-to-withdraw'));
  await sign('confirmed'); // a repeat signer: the already-signed mail

  for (const who of ['listed-1', 'listed-2', 'listed-3']) await signAndConfirm(site, DEMO_LETTER.slug, signer(who));
  await signAndConfirm(site, DEMO_LETTER.slug, { ...signer('subscriber'), updates: 'yes' });

  const letter = await findLetterBySlug(site.db, DEMO_LETTER.slug);
  const waiting = await signatureByEmail(site.ctx, emailOf('unconfirmed'));
  if (!letter || !waiting) throw new Error('fixtures missing');
  await site.db.write((tx) => sendConfirmationMail(site.ctx, tx, letter, waiting, 'confirm-reminder'));
  await listSigners(letter.id, ['confirmed', 'about-to-withdraw', 'listed-1', 'listed-2', 'listed-3', 'subscriber'], 'listed-1');
  // An update shown on the letter page, mailed to the subscriber.
  const update = await draftUpdate(site.ctx, letter.slug, { subject: 'We delivered the letter', body: 'It was handed in **today**, with every name.', showOnLetter: true }, SYSTEM_ACTOR);
  await sendUpdate(site.ctx, letter.slug, update.id, SYSTEM_ACTOR);
  await fillUpdateOutbox(site.ctx, { batchSize: 10, backlogLimit: 10 });
  const updateMail = (await outboxFor(site.ctx, emailOf('subscriber'))).find((mail) => mail.kind === 'update');
  const unsubscribe = new URL(/\/unsubscribe\/[\w-]{43}/.exec(updateMail?.textBody ?? '')?.[0] ?? '/unsubscribe/missing', site.url).pathname;
  // Signers at example.org become verified members of Example Org.
  await createOrganisation(site.ctx, { name: 'Example Org', domains: ['example.org'], actor: SYSTEM_ACTOR });
  await updateLetter(site.ctx, letter.slug, { ...letter, body: `${letter.body}\n\nA paragraph added in the second version.` }, SYSTEM_ACTOR);

  for (const who of ['endorser-unconfirmed', 'endorser-about-to-confirm', 'endorser-approved']) await endorse(who);
  await fetch(`${site.url}/endorsements/confirm/${await endorsementTokenFromOutbox(site, emailOf('endorser-approved'))}`, { method: 'POST' });
  const [approved] = await endorsementsOf(site.ctx, letter.id).then((rows) => rows.filter((row) => row.state === 'pending'));
  await moderateEndorsements(site.ctx, { slug: letter.slug, ids: [approved?.id ?? 0], action: 'approve', actor: SYSTEM_ACTOR });

  // An invitation to a signatory gathered elsewhere (undersigned signatures import).
  await importSignatures(site.ctx, DEMO_LETTER.slug, [{ line: 2, values: { name: 'Invited Person', email: 'invited@example.org', organisation: 'Example Org', role: 'Researcher' } }], 'The Example Coalition', SYSTEM_ACTOR);
  const closed = await buildLetter(site.ctx, { status: 'closed', title: 'A closed letter' });
  // The closed letter was handed over, and answered: its page shows both.
  const handedOver = { recipient: 'The Minister', deliveredOn: '2026-10-01', deliveryNote: 'Handed over in person.', deliveryLink: 'https://coalition.example/handover', responseOn: '2026-10-20', responseText: 'We will consider it.', responseLink: 'https://ministry.example/reply' };
  await recordDelivery(site.ctx, closed.slug, handedOver, SYSTEM_ACTOR);
  const changing = await buildLetter(site.ctx, { title: 'A letter being revised' });
  const mails = await site.db.select({ id: outbox.id }).from(outbox);
  return {
    confirm: async (who) => `/signatures/confirm/${await tokenFromOutbox(site, emailOf(who), 'confirm')}`,
    withdraw: async (who) => `/signatures/withdraw/${await tokenFromOutbox(site, emailOf(who), 'withdraw')}`,
    closedLetter: `/letters/${closed.slug}`,
    changingLetter: `/letters/${changing.slug}`,
    changeText: () => updateLetter(site.ctx, changing.slug, { ...changing, body: `${changing.body}\n\nA sentence added while someone read it.` }, SYSTEM_ACTOR),
    replacedConfirm,
    changeDetails: () => sqlRows({ database: site.db }, "UPDATE signatures SET organisation_text = 'Changed Elsewhere' WHERE email_key = ?", emailOf('details-changing')),
    mailId: mails.at(-1)?.id ?? 0,
    endorsementConfirm: async (who) => `/endorsements/confirm/${await endorsementTokenFromOutbox(site, emailOf(who))}`,
    edit: async (who) => `/signatures/edit/${await tokenFromOutbox(site, emailOf(who), 'edit')}`,
    unsubscribe,
  };
}

beforeAll(async () => {
  [site, browser] = await Promise.all([startTestSite(), launchBrowser()]);
  const fixtures = await prepare();
  const context = await browser.newContext();
  context.setDefaultTimeout(10_000);
  audits = await auditPages(context, site.url, fixtures, PAGES);
  await context.close();
}, 480_000);
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

describe('every public page', () => {
  itKeepsEveryPagePromise(PAGES, () => audits, async () => Object.fromEntries((await mails()).map((mail) => [`mail ${mail.kind}`, mail.html])));

  it('when the pages were visited, then the outbox holds every kind of HTML mail for the checker', async () => {
    expect([...new Set((await mails()).map((mail) => mail.kind))].sort()).toEqual(Object.keys(MAIL_SUBJECTS).sort());
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { outbox } from '../../server/db/schema.js';
import { DEMO_LETTER } from '../../server/letters/demo-letter.js';
import { findLetterBySlug } from '../../server/letters/repo.js';
import { MAIL_SUBJECTS } from '../../server/mail/outbox.js';
import { sendConfirmationMail } from '../../server/signatures/sign-letter.js';
import { launchBrowser } from '../helpers/browser.js';
import { buildLetter, signatureByEmail, tokenFromOutbox } from '../helpers/factories.js';
import { checkHtml, validatorErrors } from '../helpers/html-validator.js';
import { auditPages, press, submitForm, visit, type PageAudit, type PageCase } from '../helpers/page-audit.js';
import { signAndConfirm, startTestSite, type TestSite } from '../helpers/site.js';

const LETTER = `/letters/${DEMO_LETTER.slug}`;

interface Fixtures {
  confirm: (who: string) => string;
  withdraw: (who: string) => string;
  closedLetter: string;
  mailId: number;
}

/** Every public page in each of its states. Adding a page is one line. */
const PAGES: ReadonlyArray<PageCase<Fixtures>> = [
  { name: 'home', status: 200, open: visit('/') },
  { name: 'letter', status: 200, open: visit(LETTER) },
  { name: 'letter with errors', status: 422, open: submitForm(LETTER, 'form.sign-form', { 'Full name': '', 'Email address': 'not-an-address' }) },
  { name: 'check your email', status: 200, open: visit(`${LETTER}/check-your-email`) },
  { name: 'confirm', status: 200, open: visit((f) => f.confirm('unconfirmed')) },
  { name: 'confirmed', status: 200, open: press((f) => f.confirm('about-to-confirm'), 'Confirm my signature') },
  { name: 'confirm, already confirmed', status: 200, open: visit((f) => f.confirm('confirmed')) },
  { name: 'withdraw', status: 200, open: visit((f) => f.withdraw('confirmed')) },
  { name: 'withdrawn', status: 200, open: press((f) => f.withdraw('about-to-withdraw'), 'Withdraw my signature') },
  { name: 'not found (404)', status: 404, open: visit('/no-such-page') },
  { name: 'expired link (410)', status: 410, open: visit((f) => f.confirm('expired')) },
  { name: 'closed letter', status: 200, open: visit((f) => f.closedLetter) },
  { name: 'development mail outbox', status: 200, open: visit('/dev/mail') },
  // The HTML part sits in a sandboxed frame without scripts, which axe cannot enter; the HTML checker covers it.
  { name: 'a development mail', status: 200, open: visit((f) => `/dev/mail/${f.mailId}`), axeExclude: ['iframe.mail-html'] },
];

let site: TestSite;
let browser: Browser;
let audits: Map<string, PageAudit>;

const emailOf = (who: string) => `${who}@example.org`;
const signer = (who: string) => ({ name: `Signer ${who}`, email: emailOf(who), organisation: 'Example Org', title: '', comment: '' });

async function sign(who: string): Promise<void> {
  const response = await fetch(`${site.url}${LETTER}/signatures`, { method: 'POST', body: new URLSearchParams(signer(who)), redirect: 'manual' });
  expect(response.status).toBe(303);
}

/** Signatures in every state the pages need, and at least one mail of every kind in the outbox. */
async function prepare(): Promise<Fixtures> {
  await sign('expired');
  site.clock.advanceDays(site.ctx.config.confirmTokenDays + 1);
  await sign('unconfirmed');
  await sign('about-to-confirm');
  await signAndConfirm(site, DEMO_LETTER.slug, signer('confirmed'));
  await signAndConfirm(site, DEMO_LETTER.slug, signer('about-to-withdraw'));
  await sign('confirmed'); // a repeat signer: the already-signed mail

  const letter = findLetterBySlug(site.db, DEMO_LETTER.slug);
  const waiting = signatureByEmail(site.ctx, emailOf('unconfirmed'));
  if (!letter || !waiting) throw new Error('fixtures missing');
  sendConfirmationMail(site.ctx, site.db, letter, waiting, 'confirm-reminder');

  const closed = buildLetter(site.ctx, { status: 'closed', title: 'A closed letter' });
  const mails = site.db.select({ id: outbox.id }).from(outbox).all();
  return {
    confirm: (who) => `/signatures/confirm/${tokenFromOutbox(site, emailOf(who), 'confirm')}`,
    withdraw: (who) => `/signatures/withdraw/${tokenFromOutbox(site, emailOf(who), 'withdraw')}`,
    closedLetter: `/letters/${closed.slug}`,
    mailId: mails.at(-1)?.id ?? 0,
  };
}

beforeAll(async () => {
  [site, browser] = await Promise.all([startTestSite(), launchBrowser()]);
  const fixtures = await prepare();
  const context = await browser.newContext();
  context.setDefaultTimeout(10_000);
  audits = await auditPages(context, site.url, fixtures, PAGES);
  await context.close();
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

describe('every public page', () => {
  it.each(PAGES)('$name: answers $status and has no WCAG 2.2 AA violation in the light or the dark scheme', ({ name, status }) => {
    const audit = audits.get(name);
    expect(audit?.status).toBe(status);
    expect(audit?.violations).toEqual({ light: [], dark: [] });
  });

  it.each(PAGES)('$name: has one h1, a language and a working skip link', ({ name }) => {
    expect(audits.get(name)).toMatchObject({ h1Count: 1, lang: 'en', skipLinkTarget: true });
  });

  it('when checked by the Nu HTML Checker, then every page and every kind of HTML mail has no error', async () => {
    const mails = site.db.select({ kind: outbox.kind, html: outbox.htmlBody }).from(outbox).all();
    const mailKinds = new Set(mails.map((mail) => mail.kind));
    expect([...mailKinds].sort()).toEqual(Object.keys(MAIL_SUBJECTS).sort());
    const documents: Record<string, string> = {};
    for (const [name, audit] of audits) documents[`page ${name}`] = audit.html;
    for (const mail of mails) documents[`mail ${mail.kind}`] ??= mail.html;
    const messages = await checkHtml(documents);
    expect(validatorErrors(messages)).toEqual([]);
  }, 120_000);
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { DEMO_LETTER } from '../../server/letters/demo-letter.js';
import { addPartner } from '../../server/partners/manage-partners.js';
import { browserSiteForFile } from '../helpers/browser-site.js';
import { signatureByEmail } from '../helpers/factories.js';

const shared = browserSiteForFile();

/** A partner's site: one page that frames the letter's embedded sign form. Another port is another origin. */
interface PartnerSite {
  origin: string;
  close(): Promise<void>;
}

async function startPartnerSite(frameSrc: () => string): Promise<PartnerSite> {
  const server: Server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Partner news</title></head><body><h1>Partner news</h1><iframe src="${frameSrc()}" title="Sign the letter" width="600" height="1200"></iframe></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let registered: PartnerSite;
let stranger: PartnerSite;
const embedUrl = () => `${shared.site.url}/letters/${DEMO_LETTER.slug}/embed/sign?ref=partner-news`;

beforeAll(async () => {
  [registered, stranger] = await Promise.all([startPartnerSite(embedUrl), startPartnerSite(embedUrl)]);
  await addPartner(shared.site.ctx, DEMO_LETTER.slug, { name: 'Partner News', ref: 'partner-news', origins: [registered.origin] }, SYSTEM_ACTOR);
});
afterAll(async () => {
  await Promise.all([registered?.close(), stranger?.close()]);
});

/** What Chromium says about framing refused by a Content-Security-Policy, as the page's console reports it. */
const framingRefusals = (page: Page): string[] => {
  const messages: string[] = [];
  page.on('console', (message) => {
    if (/frame-ancestors/.test(message.text())) messages.push(message.text());
  });
  return messages;
};

describe('a partner embeds the sign form', () => {
  it('when a page on the partner’s registered site frames the form and a person signs inside it, then the frame shows check-your-email and the signature records the partner’s ref', async () => {
    const page = await shared.openPage();
    const refusals = framingRefusals(page);
    await page.goto(registered.origin);
    const frame = page.frameLocator('iframe');
    await frame.getByLabel('Full name').fill('Grace Hopper');
    await frame.getByLabel('Email address').fill('grace@partner.example');
    await frame.getByRole('button', { name: 'Sign the letter' }).click();
    await expect.poll(() => frame.getByRole('heading', { name: 'Check your email' }).isVisible(), { timeout: 10_000 }).toBe(true);
    expect(page.frames()[1]?.url()).toBe(`${shared.site.url}/letters/${DEMO_LETTER.slug}/embed/check-your-email?ref=partner-news&lang=en`);
    expect(refusals).toEqual([]);
    await expect.poll(async () => (await signatureByEmail(shared.site.ctx, 'grace@partner.example'))?.source).toBe('partner-news');
    expect((await shared.site.mailTo('grace@partner.example')).subject).toBeTruthy();
    await page.context().close();
  });

  it('when a page on a site not registered for the partner frames the form, then Chromium refuses to show it', async () => {
    const page = await shared.openPage();
    const refusals = framingRefusals(page);
    await page.goto(stranger.origin);
    await expect.poll(() => refusals.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(refusals[0]).toContain(`frame-ancestors ${registered.origin}`);
    const frame = page.frames()[1];
    expect(frame?.url()).not.toContain('/embed/sign');
    expect(await page.frameLocator('iframe').locator('form').count()).toBe(0);
    await page.context().close();
  });
});

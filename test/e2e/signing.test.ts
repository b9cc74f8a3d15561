import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { DEMO_LETTER } from '../../server/letters/demo-letter.js';
import { signForm } from '../../server/signatures/forms.js';
import { translatorFor } from '../../server/web/i18n.js';
import { scrollsSideways } from '../helpers/browser.js';
import { browserSiteForFile } from '../helpers/browser-site.js';
import { countOn, newPeople, signAndConfirmInBrowser } from '../helpers/signer-journey.js';
import { signAndConfirm, type TestSite } from '../helpers/site.js';

const LETTER = `/letters/${DEMO_LETTER.slug}`;

const shared = browserSiteForFile();
const newPerson = newPeople('Katherine Johnson', 'Langley Research', 'Mathematician');
const openPage = (options?: BrowserContextOptions) => shared.openPage(options);
let site: TestSite;
beforeAll(() => {
  site = shared.site;
});

/** A new person each time (every signer needs their own address), on the demo letter. */
const signAndConfirmAsSomeoneNew = (page: Page, everyPage?: (page: Page) => Promise<void>) => signAndConfirmInBrowser(page, site, LETTER, newPerson(), everyPage);

describe('signing in a real browser', () => {
  it('when a person signs, opens the link from the mail and presses Confirm, then the count on the letter goes up', async () => {
    const page = await openPage();
    const { before, after } = await signAndConfirmAsSomeoneNew(page);
    expect(after).toBe(before + 1);
    await page.context().close();
  });

  it('when JavaScript is off, then the same journey works and the count goes up', async () => {
    const page = await openPage({ javaScriptEnabled: false });
    const { before, after } = await signAndConfirmAsSomeoneNew(page);
    expect(after).toBe(before + 1);
    await page.context().close();
  });

  it('when the screen is 320 px wide, then no page of the journey scrolls sideways and the form follows the letter', async () => {
    const page = await openPage({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true });
    const visited: string[] = [];
    const { before, after } = await signAndConfirmAsSomeoneNew(page, async (current) => {
      visited.push(new URL(current.url()).pathname);
      expect(await scrollsSideways(current), `${current.url()} scrolls sideways`).toBe(false);
    });
    expect(after).toBe(before + 1);
    expect(visited).toHaveLength(5);

    const letterBody = await page.locator('.letter-body').boundingBox();
    const form = await page.locator('.sign-form').boundingBox();
    expect(form && letterBody && form.y).toBeGreaterThan((letterBody?.y ?? 0) + (letterBody?.height ?? 0) - 1);
    await page.getByRole('link', { name: 'Sign the letter' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Add your name' }).isVisible()).toBe(true);
    await page.context().close();
  });
});

describe('inline validation', () => {
  /** Each field's message and the summary, as shown to the person (the hidden "Error:" prefix left out). */
  async function shownErrors(page: Page) {
    const summary = await page.locator('.error-summary[role=alert] li a').allTextContents();
    const fields = await page.locator('.field-error').evaluateAll((wrappers) =>
      wrappers.map((wrapper) => {
        const control = wrapper.querySelector('input, textarea');
        const message = wrapper.querySelector('.error-message');
        return {
          field: control?.getAttribute('name'),
          message: message?.textContent?.replace(/^\s*Error:\s*/, '').trim(),
          invalid: control?.getAttribute('aria-invalid'),
          describedBy: control?.getAttribute('aria-describedby'),
          summaryLink: `#${control?.id}`,
        };
      }),
    );
    return { summary, fields };
  }

  async function submitWith(page: Page, values: Record<string, string>) {
    await page.goto(site.url + LETTER);
    for (const [label, value] of Object.entries(values)) await page.getByLabel(label, { exact: true }).fill(value);
    await page.getByRole('button', { name: 'Sign the letter' }).click();
    await page.locator('.error-summary').waitFor();
  }

  const mistakes = { 'Full name': '   ', 'Email address': 'ada@example' };

  it('when the form has mistakes, then the script shows the messages the server would send, in the same places, without sending it', async () => {
    const withScript = await openPage();
    const requests: string[] = [];
    withScript.on('request', (request) => {
      if (request.method() === 'POST') requests.push(request.url());
    });
    await submitWith(withScript, mistakes);
    const shownByScript = await shownErrors(withScript);
    expect(requests).toEqual([]);
    expect(await withScript.evaluate('document.activeElement.className')).toBe('error-summary');

    const withoutScript = await openPage({ javaScriptEnabled: false });
    await submitWith(withoutScript, mistakes);
    const shownByServer = await shownErrors(withoutScript);

    expect(shownByServer.summary).toEqual(['Enter your name', 'Enter an email address in the correct format, like name@example.org']);
    expect(shownByScript).toEqual(shownByServer);
    for (const field of shownByScript.fields) {
      expect(field.invalid).toBe('true');
      expect(field.describedBy?.split(' ')).toContain(`error-${field.field}`);
    }
    await withScript.context().close();
    await withoutScript.context().close();
  });

  it('when a field is corrected, then its message goes away as soon as it is valid', async () => {
    const page = await openPage();
    await submitWith(page, { 'Full name': '' });
    const name = page.getByLabel('Full name');
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    await name.fill('Mary Jackson');
    expect(await name.getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('#error-name').count()).toBe(0);
    expect(await name.getAttribute('aria-describedby')).toBeNull();
    await page.context().close();
  });

  it('when any address is typed, then the script gives the message the server would give, and never refuses one the server accepts', async () => {
    const page = await openPage();
    await page.goto(site.url + LETTER);
    await page.getByLabel('Full name').fill('Dorothy Vaughan');
    // Submitting runs the script's checks; this listener, after them, keeps the page from leaving.
    await page.evaluate('window.addEventListener("submit", (event) => event.preventDefault())');
    const email = page.locator('#field-email');
    /** What the script shows for each value, next to the value as the browser would send it (type=email trims it). */
    const checkInPage = (values: string[]) =>
      email.evaluate((input, all) =>
        all.map((value) => {
          input.value = value;
          input.form.requestSubmit();
          const shown = input.ownerDocument.getElementById('error-email');
          return { sent: input.value as string, message: (shown?.textContent ?? '').replace(/^\s*Error:\s*/, '').trim() as string };
        }),
      values);
    const serverMessage = (value: string): string => {
      const parsed = signForm.shape.email.safeParse(value);
      // The server's messages are catalogue keys, said in the page's language (English here).
      return parsed.success ? '' : translatorFor('en').t(parsed.error.issues[0]?.message ?? '');
    };
    const character = fc.constantFrom(...'aZ09.-_+!#~@@.éü- /:%[]\u0007'.split(''), 'xn--', '.org', 'ß');
    const address = fc.oneof(
      fc.emailAddress(),
      fc.string({ unit: character, maxLength: 30 }),
      fc.tuple(fc.emailAddress(), fc.string({ unit: character, maxLength: 3 }), fc.nat(40)).map(([valid, noise, at]) => valid.slice(0, at) + noise + valid.slice(at)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(address, { minLength: 1, maxLength: 40 }), async (values) => {
        for (const { sent, message } of await checkInPage(values)) {
          const expected = serverMessage(sent);
          // Only where a URL would read the domain differently does the script leave the verdict to the server.
          const leftToServer = message === '' && /[/?#@:\\%[\]\s]/.test(sent.slice(sent.lastIndexOf('@') + 1));
          if (!leftToServer) expect({ sent, message }).toEqual({ sent, message: expected });
        }
      }),
      { numRuns: 40, seed: 7 },
    );
    await page.context().close();
  });

  it('when the name is 120 emoji, then the script lets it through like the server (it counts characters, not UTF-16 units)', async () => {
    const page = await openPage();
    const person = newPerson();
    await page.goto(site.url + LETTER);
    await page.getByLabel('Full name').fill('🙂'.repeat(120));
    await page.getByLabel('Email address').fill(person.email);
    await page.getByRole('button', { name: 'Sign the letter' }).click();
    await page.waitForURL(/\/check-your-email/);
    await page.context().close();
  });
});

describe('sharing and the live count', () => {
  it('when Copy link is pressed, then the letter address is on the clipboard and the page says so', async () => {
    const page = await openPage({ permissions: ['clipboard-read', 'clipboard-write'] });
    await page.goto(site.url + LETTER);
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByRole('status').filter({ hasText: 'Link copied' }).waitFor();
    const clipboard = await page.evaluate('navigator.clipboard.readText()');
    expect(clipboard).toBe(`${site.running.url.replace(/:\d+$/, '')}${LETTER}`);
    await page.context().close();
  });

  it('when the browser can share, then Share hands the title and address to the share sheet', async () => {
    const page = await openPage();
    // Headless Chromium has no share sheet: record what the page asks it to share.
    await page.addInitScript('Object.defineProperty(Navigator.prototype, "share", { configurable: true, value(data) { window.sharedData = data; return Promise.resolve(); } });');
    await page.goto(site.url + LETTER);
    await page.getByRole('button', { name: 'Share…' }).click();
    const shared = await page.evaluate('window.sharedData');
    expect(shared).toEqual({ title: DEMO_LETTER.title, url: expect.stringMatching(new RegExp(`${LETTER}$`)) });
    await page.context().close();
  });

  it('when JavaScript is off, then no share or copy button is shown that could not work', async () => {
    const page = await openPage({ javaScriptEnabled: false });
    await page.goto(site.url + LETTER);
    expect(await page.getByRole('button', { name: 'Copy link' }).count()).toBe(0);
    await page.context().close();
  });

  it('when someone else confirms while the letter is open, then the count on the page goes up without a reload', async () => {
    const page = await openPage();
    await page.clock.install();
    await page.goto(site.url + LETTER);
    const before = await countOn(page);
    await signAndConfirm(site, DEMO_LETTER.slug, { ...newPerson(), comment: '' });
    await page.clock.runFor(31_000);
    await expect.poll(() => countOn(page)).toBe(before + 1);
    expect(await page.locator('#signature-count').textContent()).toMatch(before + 1 === 1 ? /person has signed/ : /people have signed/);
    await page.context().close();
  });
});

import axe, { type Result } from 'axe-core';
import type { BrowserContext, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { trackDocuments } from './browser.js';
import { checkHtml, validatorErrors } from './html-validator.js';

/** The WCAG 2.2 AA rule set the project promises, as axe-core tags. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** The only rules whose outcome depends on colours; the other rules see the same DOM in both schemes. */
const COLOUR_RULES = ['color-contrast', 'link-in-text-block'];

/**
 * One page to audit: how to reach it from a fresh tab and the status it must answer with.
 * `open` gets the base URL and whatever the test file prepared (tokens, ids) as `fixtures`.
 */
export interface PageCase<F> {
  /** The page's language, for its <html lang> ('en' unless given). */
  lang?: string;
  name: string;
  status: number;
  open(page: Page, base: string, fixtures: F): Promise<unknown>;
  /** Selectors axe must skip, each with a reason in the page list (e.g. a script-less sandboxed frame it cannot enter). */
  axeExclude?: string[];
  /** A widget framed by other sites (no site header, so nothing for a skip link to bypass). */
  framed?: boolean;
}

export interface PageAudit {
  status: number;
  /** The document exactly as the server sent it, for the HTML checker. */
  html: string;
  /** axe violations as "rule: help (selectors)", per colour scheme. */
  violations: { light: string[]; dark: string[] };
  h1Count: number;
  lang: string | null;
  skipLinkTarget: boolean;
}

type Opener<F> = PageCase<F>['open'];
/** A path, or how to find it from the fixtures (a token read from the outbox, say) when the page is opened. */
type PathOf<F> = string | ((fixtures: F) => string | Promise<string>);
const pathOf = async <F>(path: PathOf<F>, fixtures: F): Promise<string> => (typeof path === 'function' ? path(fixtures) : path);

/** Opens a path. */
export const visit =
  <F>(path: PathOf<F>): Opener<F> =>
  async (page, base, fixtures) =>
    page.goto(base + (await pathOf(path, fixtures)));

/** Opens a path and presses a button that posts a form (Confirm, Withdraw…). */
export const press =
  <F>(path: PathOf<F>, button: string): Opener<F> =>
  async (page, base, fixtures) => {
    await page.goto(base + (await pathOf(path, fixtures)));
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: button }).click()]);
  };

/**
 * Fills a form by labels and sends it with form.submit(), which skips the page's own validation
 * script: the server's answer (e.g. its 422 page) is what is audited.
 */
export const submitForm =
  <F>(path: PathOf<F>, form: string, values: Record<string, string>): Opener<F> =>
  async (page, base, fixtures) => {
    await page.goto(base + (await pathOf(path, fixtures)));
    for (const [label, value] of Object.entries(values)) await page.getByLabel(label, { exact: true }).fill(value);
    await Promise.all([page.waitForNavigation(), page.locator(form).evaluate((element) => element.submit())]);
  };

const summarise = (violations: Result[]): string[] =>
  violations.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`);

/**
 * axe-core, put into the loaded page once (as @axe-core/playwright's legacy mode does, which
 * puts it in twice for every run): the source is half a megabyte, and sending and starting it
 * cost more than the light and dark runs together.
 */
async function injectAxe(page: Page): Promise<void> {
  for (const frame of page.frames()) {
    // A sandboxed frame without scripts cannot take it; such frames are excluded by the page list.
    await frame.evaluate(`${axe.source}\n;axe.configure({ allowedOrigins: ['<same_origin>'] })`).catch(() => undefined);
  }
}

/** One axe run over the page, minus the excluded selectors; only violations are collected in full. */
const runAxe = (page: Page, exclude: string[], runOnly: { type: 'tag' | 'rule'; values: string[] }): Promise<Result[]> =>
  page.evaluate(
    async ({ exclude, runOnly }) => {
      const inPage = (globalThis as unknown as { axe: typeof axe }).axe;
      const { violations } = await inPage.run({ exclude: exclude.map((selector) => [selector]) }, { runOnly, resultTypes: ['violations'] });
      return violations;
    },
    { exclude, runOnly },
  );

/**
 * Opens each page once in `context` (JavaScript on, as most people see it), keeps the server's
 * HTML, and runs axe on the same loaded page: every WCAG rule in the light colour scheme, then
 * the colour rules again in the dark one. One tab serves every case: each case navigates it anew.
 */
export async function auditPages<F>(context: BrowserContext, base: string, fixtures: F, cases: ReadonlyArray<PageCase<F>>): Promise<Map<string, PageAudit>> {
  const audits = new Map<string, PageAudit>();
  const page = await context.newPage();
  for (const pageCase of cases) {
    const lastDocument = trackDocuments(page);
    await pageCase.open(page, base, fixtures);
    const response = lastDocument();
    lastDocument.stop();
    await injectAxe(page);
    const exclude = pageCase.axeExclude ?? [];
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await runAxe(page, exclude, { type: 'tag', values: WCAG_TAGS });
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await runAxe(page, exclude, { type: 'rule', values: COLOUR_RULES });
    audits.set(pageCase.name, {
      status: response.status(),
      html: await response.text(),
      violations: { light: summarise(light), dark: summarise(dark) },
      ...(await page.locator('html').evaluate((html) => ({
        h1Count: html.querySelectorAll('h1').length,
        lang: html.getAttribute('lang'),
        skipLinkTarget: html.querySelector('a.skip-link')?.getAttribute('href') === '#main' && html.querySelectorAll('#main').length === 1,
      }))),
    });
  }
  await page.close();
  return audits;
}

/**
 * The promises every audited page keeps, one test per page and promise: its status, no axe
 * violation in either colour scheme, one h1, a language and a skip link (framed widgets have no
 * header to skip); then one Nu HTML Checker run (one JVM start) over every page and `moreDocuments`.
 */
export function itKeepsEveryPagePromise<F>(cases: ReadonlyArray<PageCase<F>>, audits: () => Map<string, PageAudit>, moreDocuments: () => Record<string, string> | Promise<Record<string, string>> = () => ({})): void {
  it.each(cases)('$name: answers $status and has no WCAG 2.2 AA violation in the light or the dark scheme', ({ name, status }) => {
    const audit = audits().get(name);
    expect(audit?.status).toBe(status);
    expect(audit?.violations).toEqual({ light: [], dark: [] });
  });

  it.each(cases)('$name: has one h1, a language and a working skip link', ({ name, framed, lang }) => {
    expect(audits().get(name)).toMatchObject({ h1Count: 1, lang: lang ?? 'en', skipLinkTarget: !framed });
  });

  it('when checked by the Nu HTML Checker, then every page has no error', async () => {
    const documents: Record<string, string> = {};
    for (const [name, audit] of audits()) documents[`page ${name}`] = audit.html;
    expect(validatorErrors(await checkHtml({ ...documents, ...(await moreDocuments()) }))).toEqual([]);
  }, 120_000);
}

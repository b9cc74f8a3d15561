import { AxeBuilder } from '@axe-core/playwright';
import type { BrowserContext, Page } from 'playwright-core';
import { trackDocuments } from './browser.js';

/** The WCAG 2.2 AA rule set the project promises, as axe-core tags. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** The only rules whose outcome depends on colours; the other rules see the same DOM in both schemes. */
const COLOUR_RULES = ['color-contrast', 'link-in-text-block'];

/**
 * One page to audit: how to reach it from a fresh tab and the status it must answer with.
 * `open` gets the base URL and whatever the test file prepared (tokens, ids) as `fixtures`.
 */
export interface PageCase<F> {
  name: string;
  status: number;
  open(page: Page, base: string, fixtures: F): Promise<unknown>;
  /** Selectors axe must skip, each with a reason in the page list (e.g. a script-less sandboxed frame it cannot enter). */
  axeExclude?: string[];
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
type PathOf<F> = string | ((fixtures: F) => string);
const pathOf = <F>(path: PathOf<F>, fixtures: F): string => (typeof path === 'function' ? path(fixtures) : path);

/** Opens a path. */
export const visit =
  <F>(path: PathOf<F>): Opener<F> =>
  (page, base, fixtures) =>
    page.goto(base + pathOf(path, fixtures));

/** Opens a path and presses a button that posts a form (Confirm, Withdraw…). */
export const press =
  <F>(path: PathOf<F>, button: string): Opener<F> =>
  async (page, base, fixtures) => {
    await page.goto(base + pathOf(path, fixtures));
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: button }).click()]);
  };

/**
 * Fills a form by labels and sends it with form.submit(), which skips the page's own validation
 * script: the server's answer (e.g. its 422 page) is what is audited.
 */
export const submitForm =
  <F>(path: PathOf<F>, form: string, values: Record<string, string>): Opener<F> =>
  async (page, base, fixtures) => {
    await page.goto(base + pathOf(path, fixtures));
    for (const [label, value] of Object.entries(values)) await page.getByLabel(label, { exact: true }).fill(value);
    await Promise.all([page.waitForNavigation(), page.locator(form).evaluate((element) => element.submit())]);
  };

const summarise = (violations: Awaited<ReturnType<AxeBuilder['analyze']>>['violations']): string[] =>
  violations.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`);

/**
 * Opens each page once in `context` (JavaScript on, as most people see it), keeps the server's
 * HTML, and runs axe on the same loaded page: every WCAG rule in the light colour scheme, then
 * the colour rules again in the dark one.
 */
export async function auditPages<F>(context: BrowserContext, base: string, fixtures: F, cases: ReadonlyArray<PageCase<F>>): Promise<Map<string, PageAudit>> {
  const audits = new Map<string, PageAudit>();
  for (const pageCase of cases) {
    const page = await context.newPage();
    const lastDocument = trackDocuments(page);
    await pageCase.open(page, base, fixtures);
    const response = lastDocument();
    const axe = () => (pageCase.axeExclude ?? []).reduce((builder, selector) => builder.exclude(selector), new AxeBuilder({ page }));
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await axe().withTags(WCAG_TAGS).analyze();
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await axe().withRules(COLOUR_RULES).analyze();
    audits.set(pageCase.name, {
      status: response.status(),
      html: await response.text(),
      violations: { light: summarise(light.violations), dark: summarise(dark.violations) },
      h1Count: await page.locator('h1').count(),
      lang: await page.locator('html').getAttribute('lang'),
      skipLinkTarget: (await page.locator('a.skip-link').getAttribute('href')) === '#main' && (await page.locator('#main').count()) === 1,
    });
    await page.close();
  }
  return audits;
}

import { chromium, type Browser, type Page, type Response } from 'playwright-core';
import { CHROMIUM, findTool, ToolMissing } from '../setup/tools.js';

/** Set by the browser lane's global set-up (test/setup/browser.ts): the Chromium it found or installed. */
export const CHROMIUM_EXECUTABLE = 'UNDERSIGNED_CHROMIUM';

/** Headless, and quiet: no sandbox (containers), no GPU, and no calls home for updates or sync. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** The Chromium to drive: the run's, or (outside a test run, e.g. scripts/screenshots.ts) the one `CHROMIUM_PATH`, the PATH or Playwright's cache has. */
export function chromiumPath(): string {
  const path = process.env[CHROMIUM_EXECUTABLE] ?? findTool(CHROMIUM, process.env)?.path;
  if (!path) throw new ToolMissing(`No Chromium found: ${CHROMIUM.advice}.`);
  return path;
}

/** One browser per test file: launching costs far more than a fresh context. */
export const launchBrowser = (): Promise<Browser> => chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });

/**
 * Records the main document each navigation of `page` returns, including the result of a form
 * post, so a test can read the HTML exactly as the server sent it (not the DOM after scripts ran).
 * `stop()` ends the recording, for a tab that goes on to other pages.
 */
export function trackDocuments(page: Page): (() => Response) & { stop(): void } {
  let last: Response | undefined;
  const record = (response: Response) => {
    if (response.request().isNavigationRequest() && response.frame() === page.mainFrame()) last = response;
  };
  page.on('response', record);
  const lastDocument = () => {
    if (!last) throw new Error('no document loaded yet');
    return last;
  };
  return Object.assign(lastDocument, { stop: () => void page.off('response', record) });
}

/** True when the page is wider than its viewport, i.e. a phone user would have to scroll sideways. */
export const scrollsSideways = (page: Page): Promise<boolean> =>
  page.locator('html').evaluate((html) => html.scrollWidth > html.clientWidth);

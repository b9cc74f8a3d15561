import { chromium, type Browser, type Page, type Response } from 'playwright-core';

/** Debian's chromium (`.ci/run` installs it with apt when missing). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Headless, and quiet: no sandbox (containers), no GPU, and no calls home for updates or sync. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** One browser per test file: launching costs far more than a fresh context. */
export const launchBrowser = (): Promise<Browser> => chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });

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

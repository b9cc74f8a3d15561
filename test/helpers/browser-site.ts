import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser } from './browser.js';
import { startTestSite, type TestSite } from './site.js';

export interface BrowserSite {
  readonly site: TestSite;
  readonly browser: Browser;
  /** A tab in a fresh context (its own cookies), with short timeouts so a missing element fails fast. */
  openPage(options?: BrowserContextOptions): Promise<Page>;
}

/**
 * For a test file: the real server (with a real SMTP peer) and one Chromium, started before its
 * tests and closed after. Launching costs far more than a context, so tests open contexts.
 */
export function browserSiteForFile(): BrowserSite {
  let site: TestSite | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [site, browser] = await Promise.all([startTestSite({ smtp: true }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the site and browser start in beforeAll');
    return value;
  };
  return {
    get site() {
      return started(site);
    },
    get browser() {
      return started(browser);
    },
    async openPage(options = {}) {
      const context = await started(browser).newContext(options);
      context.setDefaultTimeout(5_000);
      return context.newPage();
    },
  };
}

import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Resources a run starts once, in its global set-up: each file one resource, started in this
 * order and stopped in the reverse one, handing workers what they need through the environment.
 * Every lane gets `EVERY_RUN`; the browser lane adds the browser and Java.
 */
const EVERY_RUN = ['test/setup/temp-root.ts'];
const BROWSER_RUN = [...EVERY_RUN, 'test/setup/browser.ts', 'test/setup/java.ts'];

/** Browsers, the Nu HTML Checker and the set-up's own tests (which need a real browser to find). */
const BROWSER_FILES = ['test/e2e/**/*.test.ts', 'test/setup/**/*.test.ts'];

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most test time is spent waiting (on a browser, a child process, a socket), so a worker per
    // core and one more keeps both cores busy; Vitest's default is a core less, i.e. one on two.
    maxWorkers: availableParallelism() + 1,
    projects: [
      { extends: true, test: { name: 'quick', include: ['test/**/*.test.ts'], exclude: BROWSER_FILES, globalSetup: EVERY_RUN } },
      { extends: true, test: { name: 'browser', include: BROWSER_FILES, globalSetup: BROWSER_RUN } },
    ],
  },
});

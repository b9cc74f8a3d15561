import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Resources a run starts once, in its global set-up: each file one resource, started in this
 * order and stopped in the reverse one, handing workers what they need through the environment.
 * Every lane gets `EVERY_RUN` (a resource in it starts once for all lanes: test/setup/once-per-run.ts);
 * the browser lane adds Chromium and Java.
 */
const EVERY_RUN = ['test/setup/temp-root.ts'];
const BROWSER_RUN = [...EVERY_RUN, 'test/setup/browser.ts', 'test/setup/java.ts'];
const POSTGRES_RUN = [...EVERY_RUN, 'test/setup/postgres.ts'];

/**
 * Tests about one engine only: `*.sqlite.test.ts` (WAL checkpoints, the write lock another process
 * holds, SQLite backups, migrations and query plans) stay out of the PostgreSQL lane,
 * `*.postgres.test.ts` out of the SQLite one.
 */
const SQLITE_ONLY = ['test/**/*.sqlite.test.ts'];
const POSTGRES_ONLY = ['test/**/*.postgres.test.ts'];

/** Browsers, the Nu HTML Checker and the set-up's own tests (which need a real browser to find). */
const BROWSER_FILES = ['test/e2e/**/*.test.ts', 'test/setup/**/*.test.ts'];

/**
 * The quick lane's files share their worker's modules: starting a fresh process and importing
 * the server for every file cost about as much as all their tests. A file that replaces a module
 * (vi.mock) gets modules of its own, found here by reading the files, so none is forgotten.
 */
const testFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? testFiles(path) : entry.name.endsWith('.test.ts') ? [path] : [];
  });
const REPLACES_MODULES = testFiles('test').filter((file) => /\bvi\.(mock|doMock)\(/.test(readFileSync(file, 'utf8')));

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 40_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A worker per core: Vitest's default is one core fewer, i.e. a single worker on two cores.
    maxWorkers: availableParallelism(),
    projects: [
      { extends: true, test: { name: 'quick', include: ['test/**/*.test.ts'], exclude: [...BROWSER_FILES, ...REPLACES_MODULES, ...POSTGRES_ONLY, 'test/db/engines.test.ts'], isolate: false, globalSetup: EVERY_RUN } },
      {
        extends: true,
        test: {
          name: 'quick-postgres',
          include: ['test/**/*.test.ts'],
          exclude: [...BROWSER_FILES, ...REPLACES_MODULES, ...SQLITE_ONLY, 'test/db/engines.test.ts'],
          isolate: false,
          globalSetup: POSTGRES_RUN,
          env: { UNDERSIGNED_TEST_ENGINE: 'postgres' },
        },
      },
      // Both engines side by side, with the server the PostgreSQL lane starts.
      { extends: true, test: { name: 'postgres', include: ['test/db/engines.test.ts'], isolate: false, globalSetup: POSTGRES_RUN } },
      { extends: true, test: { name: 'quick-isolated', include: REPLACES_MODULES, globalSetup: EVERY_RUN } },
      // A browser journey is many page loads: on a busy machine it needs more than 20 s (a limit only a hang should reach).
      { extends: true, test: { name: 'browser', include: BROWSER_FILES, globalSetup: BROWSER_RUN, testTimeout: 60_000 } },
    ],
  },
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ABUSE_LIMITS_OFF, loadConfig, type Config } from '../../server/config.js';

/** Names the folder the test run's global set-up made for every temporary file (test/setup/temp-root.ts). */
export const TEST_TMPDIR = 'UNDERSIGNED_TEST_TMPDIR';

/** A new folder for one test's files: inside the run's folder, so the run's end removes it. */
export const tempDir = (prefix = 'undersigned-'): string => mkdtempSync(join(process.env[TEST_TMPDIR] ?? tmpdir(), prefix));

/** A test configuration on a fresh SQLite file, with abuse limits off unless a test turns them on. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_PATH: join(tempDir(), 'test.db'),
    BASE_URL: 'http://127.0.0.1',
    LOG_LEVEL: 'silent',
    ...ABUSE_LIMITS_OFF,
    ...env,
  });
}

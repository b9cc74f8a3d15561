import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ABUSE_LIMITS_OFF, loadConfig, type Config } from '../../server/config.js';

export const tempDir = (prefix = 'undersigned-'): string => mkdtempSync(join(tmpdir(), prefix));

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

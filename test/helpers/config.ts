import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../server/config.js';

export const tempDir = (prefix = 'undersigned-'): string => mkdtempSync(join(tmpdir(), prefix));

/** A test configuration on a fresh SQLite file, with abuse limits off unless a test turns them on. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_PATH: join(tempDir(), 'test.db'),
    BASE_URL: 'http://127.0.0.1',
    LOG_LEVEL: 'silent',
    SIGN_LIMIT_PER_MINUTE: '0',
    SIGN_LIMIT_PER_HOUR: '0',
    SIGN_MIN_SECONDS: '0',
    SIGN_LIMIT_PER_DOMAIN_PER_HOUR: '0',
    TOKEN_LIMIT_PER_HOUR: '0',
    SIGN_RESPONSE_MS: '0',
    ...env,
  });
}

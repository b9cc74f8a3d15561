import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_TMPDIR } from '../helpers/config.js';

/**
 * Global set-up: one temporary folder for everything this run's tests write (SQLite files,
 * exports, backups, HTML for the checker), removed when the run ends. Test workers inherit the
 * variable; `tempDir()` makes its folders inside it. Setting the variable yourself keeps the files.
 */
export default function setup(): (() => void) | undefined {
  if (process.env[TEST_TMPDIR]) return undefined;
  const root = mkdtempSync(join(tmpdir(), 'undersigned-test-'));
  process.env[TEST_TMPDIR] = root;
  return () => {
    rmSync(root, { recursive: true, force: true });
    delete process.env[TEST_TMPDIR];
  };
}

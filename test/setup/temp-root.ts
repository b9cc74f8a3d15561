import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_TMPDIR } from '../helpers/config.js';
import { oncePerRun } from './once-per-run.js';

/**
 * Global set-up: one temporary folder for everything this run's tests write (SQLite files,
 * exports, backups, HTML for the checker), removed when the run ends. `tempDir()` makes its
 * folders inside it. Setting the variable yourself keeps the files.
 */
export default () =>
  oncePerRun(TEST_TMPDIR, () => {
    const root = mkdtempSync(join(tmpdir(), 'undersigned-test-'));
    return { value: root, stop: () => rmSync(root, { recursive: true, force: true }) };
  });

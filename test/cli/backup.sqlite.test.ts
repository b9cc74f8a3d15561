import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.js';
import { runCliCommand, runCliProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';
import { buildLetter, buildSignature } from '../helpers/factories.js';

describe('undersigned backup', () => {
  // A real child process: the server holding the database open is another process, as in production.
  it('when the server has the database open, then the backup holds its latest writes, passes the integrity check and opens on its own', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const t = await buildTestApp({ env: { DATABASE_PATH: join(dir, 'live.db') } });
    try {
      const letter = await buildLetter(t.ctx, { title: 'Written just before the backup' });
      await buildSignature(t.ctx, letter, { state: 'approved' });
      // The writes are still in the WAL file: the backup must include them anyway.
      expect(existsSync(join(dir, 'live.db-wal'))).toBe(true);

      const target = join(dir, 'backups', 'copy.db');
      const result = await runCliProcess(['backup', target], { DATABASE_PATH: join(dir, 'live.db') });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^backup written to .*copy\.db \(\d+ bytes\); integrity check: ok\n$/);

      const copy = new Database(target, { readonly: true });
      try {
        expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
        expect(copy.prepare('SELECT title, count_approved FROM letters').get()).toEqual({ title: 'Written just before the backup', count_approved: 1 });
        expect(copy.prepare('SELECT count(*) AS n FROM signatures').get()).toEqual({ n: 1 });
      } finally {
        copy.close();
      }
      expect(existsSync(`${target}-wal`)).toBe(false);
    } finally {
      await t.close();
    }
  });

  it('when the target exists already or is missing, then it exits 1 with one line and overwrites nothing', async () => {
    const dir = tempDir();
    const env = { DATABASE_PATH: join(dir, 'live.db') };
    await runCliCommand(['migrate'], env);
    const existing = await runCliCommand(['backup', env.DATABASE_PATH], env);
    expect(existing.code).toBe(1);
    expect(existing.stderr).toMatch(/already exists; choose a new file name/);
    expect((await runCliCommand(['backup'], env)).stderr).toMatch(/the file to write is required/);
  });
});

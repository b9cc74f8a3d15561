import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../server/lib/project-root.js';
import { runCliProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';

describe('the undersigned command', () => {
  it('when run without a command, then it lists the commands', async () => {
    const result = await runCliProcess([], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('migrate');
  });

  it('when the command is unknown, then it exits non-zero with one line', async () => {
    const result = await runCliProcess(['frobnicate'], {});
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('when migrate runs on a new path, then the database is created with every table', async () => {
    const path = join(tempDir(), 'cli', 'db.sqlite');
    const result = await runCliProcess(['migrate'], { DATABASE_PATH: path });
    expect(result).toMatchObject({ code: 0, stdout: 'migrations applied\n' });
    const tables = new Database(path, { readonly: true }).prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>;
    expect(tables.map((table) => table.name)).toEqual(expect.arrayContaining(['letters', 'signatures', 'outbox', 'organisers']));
  });

  it('when the configuration is invalid, then it exits 1 naming the variable', async () => {
    const result = await runCliProcess(['migrate'], { PORT: 'nope' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/PORT/);
  });
});

describe('the command as the README runs it', () => {
  it('when a clone runs `npm run undersigned -- …`, then npm runs the very file package.json names as the binary', () => {
    const pkg = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { bin: { undersigned: string }; scripts: Record<string, string> };
    // npm never links a project's own bin into node_modules/.bin, so `npx undersigned` finds nothing in a clone.
    expect(pkg.scripts.undersigned).toBe(`node ${pkg.bin.undersigned}`);
    expect(readFileSync(projectPath('README.md'), 'utf8')).not.toContain('npx undersigned');
  });
});

import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchEnv, CLI_ENTRY, ROOT } from './processes.js';

export const BENCH_LETTER = 'keep-defensive-ai-open';
const CACHE = join(ROOT, 'bench', '.data');

export const freshDatabasePath = (): string => join(mkdtempSync(join(tmpdir(), 'undersigned-bench-')), 'bench.db');

/**
 * A database with `signatures` seeded rows on the demo letter, built once with the seed command
 * and copied for each use so runs never see each other's writes.
 */
export function seededDatabase(signatures: number): string {
  mkdirSync(CACHE, { recursive: true });
  const cached = join(CACHE, `seed-${signatures}.db`);
  if (!existsSync(cached)) {
    console.error(`seeding ${signatures} signatures (once, cached in bench/.data)…`);
    const building = `${cached}.building`;
    execFileSync(process.execPath, [CLI_ENTRY, 'seed', '--letter', BENCH_LETTER, '--signatures', String(signatures)], { env: benchEnv(building), stdio: ['ignore', 'inherit', 'inherit'] });
    settle(building);
    copyFileSync(building, cached);
  }
  // A cache made before a newer migration gets it once here (an index over a million rows takes
  // seconds), so no scenario measures an upgrade instead of what it is named for.
  execFileSync(process.execPath, [CLI_ENTRY, 'migrate'], { env: benchEnv(cached), stdio: ['ignore', 'ignore', 'inherit'] });
  settle(cached);
  const copy = freshDatabasePath();
  copyFileSync(cached, copy);
  return copy;
}

/** Folds the WAL into the file and leaves it in rollback mode, so one copied file is the whole database. */
function settle(path: string): void {
  execFileSync(process.execPath, ['-e', `const D=require('better-sqlite3');const d=new D(${JSON.stringify(path)});d.pragma('wal_checkpoint(TRUNCATE)');d.pragma('journal_mode=DELETE');d.close()`], { cwd: ROOT });
}

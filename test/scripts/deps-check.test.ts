import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../server/lib/project-root.js';

/** `npm run deps:check`'s script, run as npm runs it, with the environment given (and npm not retrying). */
const depsCheck = (env: Record<string, string>) =>
  spawnSync(process.execPath, [projectPath('scripts/deps-check.mjs')], {
    cwd: projectPath(),
    encoding: 'utf8',
    env: { ...process.env, npm_config_fetch_retries: '0', ...env },
    timeout: 120_000,
  });

describe('npm run deps:check', () => {
  it('when the registry cannot be reached, then it says so instead of calling every package current, and still exits 0', () => {
    const run = depsCheck({ npm_config_registry: 'http://127.0.0.1:9/' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('could not reach the registry');
    expect(run.stdout).not.toContain('Every package is at the newest version');
    expect(run.stdout).toContain('npm audit could not reach the advisory service');
  });
});

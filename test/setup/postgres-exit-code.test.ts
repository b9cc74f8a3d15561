import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../server/lib/project-root.js';

/*
 * The run's exit code is what CI reads: a failed test must fail the run. Starting the embedded
 * PostgreSQL server once replaced any exit code with 0 (its exit hook called process.exit(0)).
 */
describe('the PostgreSQL set-up and the run’s exit code', () => {
  it('when a process that started and stopped the test PostgreSQL server ends with exit code 3, then it exits with 3', () => {
    const script = `
      const { default: setUp } = await import(${JSON.stringify(projectPath('test', 'setup', 'postgres.ts'))});
      const tearDown = await setUp();
      process.exitCode = 3;
      await tearDown();
    `;
    const env = { ...process.env };
    delete env.UNDERSIGNED_TEST_POSTGRES;
    delete env.TEST_DATABASE_URL;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: projectPath(), env, encoding: 'utf8', timeout: 120_000 });
    expect(child.stderr).not.toMatch(/Error/);
    expect(child.status).toBe(3);
  }, 150_000);
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../server/lib/project-root.js';

const packageJson = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { dependencies: Record<string, string> };
const installedVersion = (name: string): string => (JSON.parse(readFileSync(projectPath('node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

/** The rows of SECURITY.md's table of runtime dependencies: name, the version reviewed, and the date line above it. */
function reviewedDependencies(): { rows: Map<string, string>; lastReview: string | undefined } {
  const security = readFileSync(projectPath('SECURITY.md'), 'utf8');
  const section = security.slice(security.indexOf('## Dependencies'), security.indexOf('\n## ', security.indexOf('## Dependencies') + 1));
  const rows = new Map<string, string>();
  for (const match of section.matchAll(/^\| `([^`]+)` \| ([^|]+) \|/gm)) rows.set(match[1] ?? '', (match[2] ?? '').trim());
  return { rows, lastReview: /Last review: \*\*(\d{4}-\d{2}-\d{2})\*\*/.exec(section)?.[1] };
}

describe('the dependency review in SECURITY.md', () => {
  it('when package.json lists a runtime dependency, then the review table has a row for it at the installed version, and no row for anything else', () => {
    const { rows, lastReview } = reviewedDependencies();
    expect([...rows.keys()].sort()).toEqual(Object.keys(packageJson.dependencies).sort());
    for (const [name, version] of rows) expect(version.split(' ')[0], name).toBe(installedVersion(name));
    expect(lastReview).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

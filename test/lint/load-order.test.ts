import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { PROJECT_ROOT } from '../../server/lib/project-root.js';

/** Files that do something when loaded (start a server, run the CLI, serve as a worker thread). */
const ENTRY_POINTS = new Set(['server/main.ts', 'server/cli/main.ts', 'server/mail/outbox-thread.ts']);

const serverFiles = (readdirSync(join(PROJECT_ROOT, 'server'), { recursive: true, encoding: 'utf8' }) as string[])
  .filter((file) => file.endsWith('.ts'))
  .map((file) => relative(PROJECT_ROOT, join(PROJECT_ROOT, 'server', file)))
  .filter((file) => !ENTRY_POINTS.has(file))
  .sort();

// Modules import each other through their index.ts, so some import cycles exist (organisations
// re-links signatures; signatures joins organisations). A cycle is harmless as long as nothing
// reads another module's binding while loading before that module has set it: whichever file a
// process or a test happens to load first must load.
describe('load order', () => {
  it.each(serverFiles)('when %s is the first file loaded, then it loads', async (file) => {
    vi.resetModules();
    await expect(import(join(PROJECT_ROOT, file))).resolves.toBeDefined();
  });
});

import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/lib/project-root.js';

const eslint = new ESLint({ cwd: PROJECT_ROOT });

/** The import-boundary messages ESLint reports for `code` as if it were the file at `filePath`. */
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'undersigned/module-boundaries').map((message) => message.message);
}

describe('module boundaries (eslint/module-boundaries.js)', () => {
  it.each([
    ['another module’s table', 'server/moderation/example.ts', "import { signatures } from '../signatures/table.js';"],
    ['another module’s repo', 'server/signatories/example.ts', "import { selectLetterBySlug } from '../letters/repo.js';"],
    ['another module’s internal file', 'server/privacy/example.ts', "import { eraseSignatures } from '../signatures/erasure.js';"],
    ['a module’s internals from the server root', 'server/example.ts', "import { findLetter } from './letters/find-letter.js';"],
    ['a module’s internals from a nested infrastructure folder', 'server/lib/csv/example.ts', "import { findLetter } from '../../letters/find-letter.js';"],
    ['a type from another module’s table', 'server/exports/example.ts', "import type { LetterRow } from '../letters/table.js';"],
    ['a repo through a ./ detour', 'server/exports/example.ts', "import { findVersion } from '../letters/./repo.js';"],
    ['a repo through a doubled slash', 'server/exports/example.ts', "import { findVersion } from '../letters//repo.js';"],
    ['a repo through its own folder and back', 'server/exports/example.ts', "import { findVersion } from '../exports/../letters/repo.js';"],
    ['a repo through the index and back', 'server/exports/example.ts', "import { findVersion } from '../letters/index.js/../repo.js';"],
    ['a repo by way of the server folder', 'server/exports/example.ts', "import { findVersion } from '../../server/letters/repo.js';"],
    ['a repo by an absolute path', 'server/exports/example.ts', `import { findVersion } from '${PROJECT_ROOT}/server/letters/repo.js';`],
    ['a repo without an extension', 'server/exports/example.ts', "import { findVersion } from '../letters/repo';"],
    ['a repo re-exported', 'server/exports/example.ts', "export { findVersion } from '../letters/repo.js';"],
    ['a repo re-exported whole', 'server/exports/example.ts', "export * from '../letters/repo.js';"],
    ['a repo loaded with import()', 'server/exports/example.ts', "export const repo = () => import('../letters/repo.js');"],
    ['a repo named in a type', 'server/exports/example.ts', "export type Repo = typeof import('../letters/repo.js');"],
    ['a repo loaded with require()', 'server/exports/example.ts', "import { createRequire } from 'node:module';\nexport const repo = createRequire(import.meta.url)('../letters/repo.js');"],
    ['a repo from a .mjs file', 'server/exports/example.mjs', "import { findVersion } from '../letters/repo.js';"],
    ['the aggregated schema', 'server/exports/example.ts', "import { signatures } from '../db/schema.js';"],
  ])('when a file imports %s, then the lint refuses it', async (_case, filePath, code) => {
    expect(await boundaryErrors(filePath, `${code}\nexport {};\n`)).toEqual([expect.stringMatching(/through its index\.ts|server\/db\/ only/)]);
  });

  it.each([
    ['another module through its index', 'server/moderation/example.ts', "import { findLetter } from '../letters/index.js';"],
    ['a command file', 'server/cli/example.ts', "import { exportCommand } from '../exports/export-command.js';"],
    ['a routes file, from the app', 'server/example.ts', "import { letterAdminRoutes } from './letters/admin-routes.js';"],
    ['its own module’s table', 'server/signatures/example.ts', "import { signatures } from './table.js';"],
    ['infrastructure, file by file', 'server/letters/example.ts', "import { notFound } from '../web/errors.js';"],
    ['a table, from the schema', 'server/db/example.ts', "import { signatures } from '../signatures/table.js';"],
    ['a table, from another table (a foreign key)', 'server/mail/table.ts', "import { signatures } from '../signatures/table.js';"],
    ['its own module by way of its parent folder', 'server/exports/example.ts', "import { exportSignatures } from '../exports/export-signatures.js';"],
  ])('when a file imports %s, then the lint accepts it', async (_case, filePath, code) => {
    expect(await boundaryErrors(filePath, `${code}\nexport {};\n`)).toEqual([]);
  });

  it.each(['better-sqlite3', 'drizzle-orm/better-sqlite3', 'drizzle-orm/better-sqlite3/driver', 'pg', 'pg-query-stream', 'drizzle-orm/node-postgres'])('when a module outside server/db imports %s, then the lint refuses it', async (driver) => {
    expect(await boundaryErrors('server/exports/example.ts', `import Database from '${driver}';\nexport default Database;\n`)).toEqual([expect.stringMatching(/through server\/db\/ only/)]);
    expect(await boundaryErrors('server/exports/table.ts', `import Database from '${driver}';\nexport default Database;\n`)).toEqual([expect.stringMatching(/through server\/db\/ only/)]);
    expect(await boundaryErrors('server/db/example.ts', `import Database from '${driver}';\nexport default Database;\n`)).toEqual([]);
  });
});

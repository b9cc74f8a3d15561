import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Module boundaries (README "Where things are"). Each folder of server/ but the infrastructure ones
 * is a capability module; from outside it, only its index.ts, its *-command.ts files (listed by
 * server/cli/) and its route files (mounted by app.ts) may be imported, never its table, repo or
 * other internals. Route files stay out of index.ts: a barrel that re-exported them would tie every
 * module's index to every other's and make import cycles. Schema declarations are the one exception:
 * server/db/ (schema aggregation, migrations) and another module's table.ts (a foreign key) may
 * import a table.ts. Engine-specific drivers stay in server/db/.
 */
const INFRASTRUCTURE = new Set(['cli', 'db', 'lib', 'web']);
const CAPABILITY_MODULES = readdirSync(new URL('./server/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !INFRASTRUCTURE.has(entry.name))
  .map((entry) => entry.name);

const modules = CAPABILITY_MODULES.join('|');
const internalsOfAModule = (allowed) => ({
  regex: `^\\.\\.?/(\\.\\./)*(${modules})/(?!index\\.js$|[a-z0-9-]+-command\\.js$|([a-z0-9-]+-)?routes\\.js$${allowed})[^/]+$`,
  message: "Import another module through its index.ts (or a *-command.ts or routes file), never its table, repo or internals: add what you need to that module's index.ts.",
});
const engineDrivers = [
  { name: 'better-sqlite3', message: 'SQLite is reached through server/db/ only.' },
  { name: 'drizzle-orm/better-sqlite3', message: 'SQLite is reached through server/db/ only.' },
];
const boundaries = (allowed = '') => ({ 'no-restricted-imports': ['error', { paths: engineDrivers, patterns: [internalsOfAModule(allowed)] }] });

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'migrations/', 'coverage/', 'docs/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', document: 'readonly', window: 'readonly', navigator: 'readonly', fetch: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['server/**/*.ts'], ignores: ['server/db/**', 'server/*/table.ts'], rules: boundaries() },
  { files: ['server/*/table.ts'], rules: boundaries('|table\\.js$') },
);

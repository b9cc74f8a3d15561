import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * drizzle's synchronous endings exist on its SQLite builder only: outside server/db a query is
 * awaited (`await query`, `await first(query)`, `.returning()` to count changes). Caught here on a
 * call chain that ends in a builder step; the PostgreSQL lane of the suite catches the rest.
 */
const BUILDER_STEPS = ['where', 'from', 'set', 'values', 'returning', 'orderBy', 'limit', 'offset', 'groupBy', 'having', 'innerJoin', 'leftJoin', 'onConflictDoNothing', 'onConflictDoUpdate', 'select', 'insert', 'update', 'delete'];
const SYNC_ENDINGS = ['get', 'all', 'run', 'values', 'iterate', 'prepare'];
const syncQueryCall = {
  selector: `CallExpression[arguments.length=0][callee.type='MemberExpression'][callee.property.name=/^(${SYNC_ENDINGS.join('|')})$/][callee.object.type='CallExpression'][callee.object.callee.property.name=/^(${BUILDER_STEPS.join('|')})$/]`,
  message: "drizzle's synchronous .get()/.all()/.run()/.values()/.iterate()/.prepare() are SQLite's alone: await the query (first() for one row, .returning() to count changes), or use a helper in server/db.",
};
const transactionCall = {
  selector: "CallExpression[callee.property.name='transaction']",
  message: 'A change goes through db.write(async (tx) => …): one transaction per user action, on either engine.',
};

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
// The engines themselves live in server/db; everything else reaches them through its Database.
const engineDrivers = [
  { name: 'better-sqlite3', message: 'SQLite is reached through server/db (openDatabase, the Database interface).' },
  { name: 'pg', message: 'PostgreSQL is reached through server/db (openDatabase, the Database interface).' },
];
const engineWiring = {
  group: ['drizzle-orm/better-sqlite3', 'drizzle-orm/better-sqlite3/*', 'drizzle-orm/node-postgres', 'drizzle-orm/node-postgres/*'],
  message: 'The engines are wired up in server/db alone.',
};
const engineImports = { 'no-restricted-imports': ['error', { paths: engineDrivers, patterns: [engineWiring] }] };
const boundaries = (allowed = '') => ({ 'no-restricted-imports': ['error', { paths: engineDrivers, patterns: [internalsOfAModule(allowed), engineWiring] }] });

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
  {
    files: ['server/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['server/db/**'],
    rules: { 'no-restricted-syntax': ['error', syncQueryCall, transactionCall], ...engineImports },
  },
  // Later blocks replace no-restricted-imports for server files: boundaries() carries the engine rules too.
  { files: ['server/**/*.ts'], ignores: ['server/db/**', 'server/*/table.ts'], rules: boundaries() },
  { files: ['server/*/table.ts'], rules: boundaries('|table\\.js$') },
);

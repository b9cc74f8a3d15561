import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { moduleBoundaries } from './eslint/module-boundaries.js';

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

// The engines themselves live in server/db (the module-boundaries rule says so for server/); the
// benchmarks and scripts reach them through openDatabase too.
const engineImports = {
  'no-restricted-imports': [
    'error',
    {
      paths: ['better-sqlite3', 'pg', 'pg-query-stream'].map((name) => ({ name, message: 'Databases are reached through server/db (openDatabase, the Database interface).' })),
      patterns: [{ group: ['drizzle-orm/better-sqlite3', 'drizzle-orm/better-sqlite3/*', 'drizzle-orm/node-postgres', 'drizzle-orm/node-postgres/*'], message: 'The engines are wired up in server/db alone.' }],
    },
  ],
};
const undersigned = { rules: { 'module-boundaries': moduleBoundaries } };

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
    rules: { 'no-restricted-syntax': ['error', syncQueryCall, transactionCall] },
  },
  { files: ['bench/**/*.ts', 'scripts/**/*.ts'], rules: engineImports },
  // Module boundaries and the engine drivers: see eslint/module-boundaries.js and README "Layout".
  { files: ['server/**/*.{ts,mts,cts,js,mjs,cjs}'], plugins: { undersigned }, rules: { 'undersigned/module-boundaries': 'error' } },
);

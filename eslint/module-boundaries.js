import { readdirSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Module boundaries (README "Layout"). Each folder of server/ but the infrastructure ones is a
 * capability module; from outside it, only its index.ts, its *-command.ts files (listed by
 * server/cli/) and its route files (mounted by app.ts) may be imported, never its table, repo or
 * other internals. Route files stay out of index.ts: a barrel that re-exported them would tie every
 * module's index to every other's and make import cycles. Schema declarations are the one exception:
 * server/db/ (schema aggregation, migrations) and another module's table.ts (a foreign key) may
 * import a table.ts; nobody outside server/db/ imports the aggregated schema. The engines' drivers
 * (SQLite's and PostgreSQL's) are reached only inside server/db/.
 *
 * The rule resolves each specifier against the importing file, so `../letters/./repo.js`, a detour
 * through another folder or an absolute path are judged by the file they reach, and it reads every
 * way a file can name another: import and export … from, import(), typeof import(), require() and
 * createRequire()(), import x = require().
 */
const SERVER = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'server');
const INFRASTRUCTURE = new Set(['cli', 'db', 'lib', 'web']);
const MODULES = new Set(readdirSync(SERVER, { withFileTypes: true }).filter((entry) => entry.isDirectory() && !INFRASTRUCTURE.has(entry.name)).map((entry) => entry.name));
const DRIVERS = ['better-sqlite3', 'drizzle-orm/better-sqlite3', 'pg', 'pg-query-stream', 'drizzle-orm/node-postgres'];

/** Where a path lies in server/: its top folder, whether that is a capability module, and the file's name without extension. */
function locate(path) {
  const inServer = relative(SERVER, path);
  if (inServer.startsWith('..') || isAbsolute(inServer)) return undefined;
  const parts = inServer.split(sep);
  const name = basename(path, extname(path));
  return { folder: parts.length > 1 ? parts[0] : undefined, depth: parts.length, name, isModule: parts.length > 1 && MODULES.has(parts[0]) };
}

const isEntryPoint = (name) => name === 'index' || name === 'routes' || name.endsWith('-routes') || name.endsWith('-command');
const isDriver = (source) => DRIVERS.some((driver) => source === driver || source.startsWith(`${driver}/`));

export const moduleBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Modules use each other through their index.ts; tables, repos and the driver stay private.' },
    messages: {
      internals: "Import another module through its index.ts (or a *-command.ts or routes file), never its table, repo or internals: add what you need to that module's index.ts.",
      schema: 'The aggregated schema is for server/db/ only: use the owning module’s index.ts.',
      driver: 'The database driver is reached through server/db/ only.',
    },
    schema: [],
  },
  create(context) {
    const importer = locate(context.filename);
    if (!importer) return {};
    const importerIsDb = importer.folder === 'db';

    function check(node, source) {
      if (typeof source !== 'string') return;
      if (!source.startsWith('.') && !isAbsolute(source)) {
        if (!importerIsDb && isDriver(source)) context.report({ node, messageId: 'driver' });
        return;
      }
      const target = locate(resolve(dirname(context.filename), source));
      if (!target) return;
      if (target.folder === 'db' && target.name === 'schema' && !importerIsDb) return context.report({ node, messageId: 'schema' });
      if (!target.isModule || target.folder === importer.folder) return;
      if (target.depth === 2 && isEntryPoint(target.name)) return;
      if (target.depth === 2 && target.name === 'table' && (importerIsDb || importer.name === 'table')) return;
      context.report({ node, messageId: 'internals' });
    }
    const literal = (node) => (node && node.type === 'Literal' ? node.value : node && node.type === 'TSLiteralType' ? node.literal.value : undefined);
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => check(node, literal(node.source)),
      TSImportType: (node) => check(node, literal(node.argument) ?? literal(node.source)),
      TSExternalModuleReference: (node) => check(node, literal(node.expression)),
      CallExpression(node) {
        const { callee } = node;
        const isRequire = callee.type === 'Identifier' && callee.name === 'require';
        const isCreatedRequire = callee.type === 'CallExpression' && callee.callee.type === 'Identifier' && callee.callee.name === 'createRequire';
        if (isRequire || isCreatedRequire) check(node, literal(node.arguments[0]));
      },
    };
  },
};

#!/usr/bin/env node
/**
 * One-off codemod for issue #16: rewrites test code written against the synchronous SQLite data
 * layer into the asynchronous, engine-neutral one. Mechanical only; what it cannot decide it leaves
 * for tsc to report.
 *
 *   node scripts/codemods/async-db.mjs [--passes N] PATH…    (files or folders; .ts files)
 *
 * Per pass, using the type checker on the whole project (server/ already converted):
 *   - drizzle's synchronous endings: `X.all()` → `(await X)`, `X.get()` → `(await first(X))`,
 *     `X.run()` → `await X` (zero-argument calls on a call chain only);
 *   - a call whose type is a Promise, used as a value right there (a statement, an initialiser, the
 *     receiver of a property, an operand…), gets `await`: buildTestApp(…), the factories, use cases;
 *   - a function that now holds an `await` becomes `async` (its declared return type T becomes
 *     Promise<T>), so its own callers are awaited on the next pass.
 * Passes repeat until nothing changes (or N passes). `first` is imported where it is used.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..', '..');
const args = process.argv.slice(2);
const passesAt = args.indexOf('--passes');
const maxPasses = passesAt === -1 ? 6 : Number(args.splice(passesAt, 2)[1]);
const targets = args.map((arg) => resolve(arg));
if (targets.length === 0) {
  console.error('usage: node scripts/codemods/async-db.mjs [--passes N] PATH…');
  process.exit(2);
}

const tsFiles = (path) =>
  statSync(path).isDirectory() ? readdirSync(path).flatMap((name) => tsFiles(join(path, name))) : path.endsWith('.ts') ? [path] : [];
const files = new Set(targets.flatMap(tsFiles));
const DATABASE_MODULE = join(root, 'server/db/database.js');

const configPath = join(root, 'tsconfig.json');
const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, root);

const SYNC_ENDINGS = new Set(['all', 'get', 'run']);
const WRITES = new Set(['insert', 'update', 'delete']);

/** Our Database interface (server/db/database.ts), which reads but writes only through write(). */
function isDatabase(checker, node) {
  const type = checker.getTypeAtLocation(node);
  const name = (type.getSymbol() ?? type.aliasSymbol)?.getName();
  return name === 'Database' || name === 'SqliteDatabase' || name === 'PostgresDatabase';
}

function isPromiseType(checker, type) {
  const symbol = type.getSymbol() ?? type.aliasSymbol;
  if (symbol?.getName() === 'Promise') return true;
  return type.isUnion() && type.types.some((part) => part.getSymbol()?.getName() === 'Promise');
}

/** A drizzle query builder (select, insert, update, delete on the SQLite-typed builder), not a driver's statement. */
function isDrizzleQuery(checker, node) {
  return /SQLite(Select|Insert|Update|Delete)/.test(checker.typeToString(checker.getTypeAtLocation(node)));
}

/** A call of a function declared in this project (server/, test/, bench/, scripts/): libraries' promises are left as written. */
function isProjectCall(checker, node) {
  const declaration = checker.getResolvedSignature(node)?.getDeclaration();
  const file = declaration?.getSourceFile().fileName;
  return file !== undefined && file.startsWith(root) && !file.includes('/node_modules/');
}

/** `expect(X).toBe…`: X is compared as a value (unlike `expect(X).rejects…`), so it is awaited first. */
function isExpectSubject(call, argument) {
  if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression) || call.expression.text !== 'expect' || call.arguments[0] !== argument) return false;
  const use = call.parent;
  return !(use && ts.isPropertyAccessExpression(use) && ['rejects', 'resolves'].includes(use.name.text));
}

let activeChecker;
/** An argument whose parameter is declared as a plain value (a row, a string): the promise's value is meant. */
function wantsValue(argument) {
  const expected = activeChecker?.getContextualType(argument);
  if (!expected || expected.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return false;
  const text = activeChecker.typeToString(expected);
  return !/Promise|PromiseLike|Thenable|=>/.test(text) && !(expected.flags & ts.TypeFlags.TypeParameter);
}

/** True where a promise may stay a promise: awaited, returned, handed to a call, kept in an array, voided. */
function promiseIsHandled(node) {
  let current = node;
  let parent = node.parent;
  while (parent && ts.isParenthesizedExpression(parent)) {
    current = parent;
    parent = parent.parent;
  }
  if (!parent) return true;
  if (ts.isAwaitExpression(parent) || ts.isReturnStatement(parent) || ts.isVoidExpression(parent)) return true;
  if (ts.isPropertyAccessExpression(parent) && ['then', 'catch', 'finally'].includes(parent.name.text)) return true;
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.QuestionQuestionEqualsToken) return true;
  if (ts.isArrowFunction(parent) && parent.body === current) return true;
  if (isExpectSubject(parent, current)) return false;
  if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.arguments?.includes(current)) return !wantsValue(current);
  if (ts.isArrayLiteralExpression(parent) || ts.isSpreadElement(parent)) return true;
  if (ts.isPropertyAssignment(parent) || ts.isShorthandPropertyAssignment(parent)) return true;
  if (ts.isConditionalExpression(parent) && parent.condition !== current) return promiseIsHandled(parent);
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken && parent.right === current) return promiseIsHandled(parent);
  return false;
}

/** Whether `await X` needs parentheses where X stands. */
function needsParens(node) {
  const parent = node.parent;
  if (!parent) return false;
  if (ts.isExpressionStatement(parent) || ts.isVariableDeclaration(parent) || ts.isParenthesizedExpression(parent)) return false;
  if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.arguments?.includes(node)) return false;
  if (ts.isArrayLiteralExpression(parent) || ts.isPropertyAssignment(parent) || ts.isTemplateSpan(parent)) return false;
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.right === node) return false;
  return true;
}

function enclosingFunction(node) {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isFunctionLike(current) && !ts.isTypeNode(current)) return current;
  }
  return undefined;
}

function runPass() {
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: { ...parsed.options, noEmit: true } });
  const checker = program.getTypeChecker();
  activeChecker = checker;
  let changedFiles = 0;
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) continue;
    const edits = [];
    const madeAsync = new Set();
    let usesFirst = false;
    const awaitIn = (node) => {
      const fn = enclosingFunction(node);
      if (fn && !(ts.getCombinedModifierFlags(fn) & ts.ModifierFlags.Async) && !fn.asteriskToken) madeAsync.add(fn);
    };
    const visit = (node) => {
      // A change on the Database itself (it only reads): the statement moves into a write.
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && WRITES.has(node.expression.name.text) && isDatabase(checker, node.expression.expression)) {
        let chain = node;
        while (ts.isPropertyAccessExpression(chain.parent) && ts.isCallExpression(chain.parent.parent) && chain.parent.parent.expression === chain.parent) chain = chain.parent.parent;
        const root = node.expression.expression.getText(source);
        const body = `tx${chain.getText(source).slice(node.expression.expression.getEnd() - chain.getStart(source))}`;
        edits.push({ start: chain.getStart(source), end: chain.getEnd(), text: `${root}.write((tx) => ${body})` });
        return;
      }
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.arguments.length === 0 && SYNC_ENDINGS.has(node.expression.name.text)) {
        const receiver = node.expression.expression;
        if (ts.isCallExpression(receiver) && isDrizzleQuery(checker, receiver)) {
          const inner = receiver.getText(source);
          const ending = node.expression.name.text;
          const awaited = ending === 'get' ? `await first(${inner})` : `await ${inner}`;
          if (ending === 'get') usesFirst = true;
          edits.push({ start: node.getStart(source), end: node.getEnd(), text: needsParens(node) ? `(${awaited})` : awaited });
          awaitIn(node);
          return; // the receiver is rewritten as part of this edit
        }
      }
      // `expect(() => useCase(…)).toThrow(…)`: a use case that now rejects instead of throwing.
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'expect' && node.arguments.length === 1) {
        const arrow = node.arguments[0];
        const use = node.parent;
        if (ts.isArrowFunction(arrow) && ts.isCallExpression(arrow.body) && ts.isPropertyAccessExpression(use) && use.name.text === 'toThrow' && isPromiseType(checker, checker.getTypeAtLocation(arrow.body))) {
          const statement = use.parent;
          edits.push({ start: node.getStart(source), end: use.name.getStart(source), text: `await expect(${arrow.body.getText(source)}).rejects.` });
          if (!ts.isCallExpression(statement)) return;
          awaitIn(node);
          return;
        }
      }
      // `xs.map((x) => buildSignature(…))`: a list of promises whose values are meant.
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'map' && !promiseIsHandled(node)) {
        const listed = checker.typeToString(checker.getTypeAtLocation(node));
        if (/^Promise<.*>\[\]$/.test(listed)) {
          edits.push({ start: node.getStart(source), end: node.getEnd(), text: `(await Promise.all(${node.getText(source)}))` });
          awaitIn(node);
          return;
        }
      }
      if (ts.isCallExpression(node) && !promiseIsHandled(node) && isProjectCall(checker, node)) {
        const type = checker.getTypeAtLocation(node);
        if (isPromiseType(checker, type)) {
          const text = `await ${node.getText(source)}`;
          edits.push({ start: node.getStart(source), end: node.getEnd(), text: needsParens(node) ? `(${text})` : text });
          awaitIn(node);
          return;
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    for (const fn of madeAsync) {
      edits.push({ start: fn.getStart(source), end: fn.getStart(source), text: 'async ' });
      // `xs.map(async (x) => …)` makes promises: the list of their values is awaited instead.
      const call = fn.parent;
      if (ts.isCallExpression(call) && ts.isPropertyAccessExpression(call.expression) && call.expression.name.text === 'map' && call.arguments[0] === fn && !promiseIsHandled(call)) {
        edits.push({ start: call.getStart(source), end: call.getStart(source), text: '(await Promise.all(' });
        edits.push({ start: call.getEnd(), end: call.getEnd(), text: '))' });
      }
      if (fn.type && !/^Promise</.test(fn.type.getText(source))) edits.push({ start: fn.type.getStart(source), end: fn.type.getEnd(), text: `Promise<${fn.type.getText(source)}>` });
    }
    if (edits.length === 0) continue;
    let text = source.getFullText();
    for (const edit of edits.sort((a, b) => b.start - a.start || b.end - a.end)) text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
    if (usesFirst && !/\bfirst\b[^;]*from '[^']*server\/db\/database\.js'/.test(text)) {
      let path = relative(dirname(file), DATABASE_MODULE);
      if (!path.startsWith('.')) path = `./${path}`;
      text = `import { first } from '${path}';\n${text}`;
    }
    writeFileSync(file, text);
    changedFiles += 1;
  }
  return changedFiles;
}

for (let pass = 1; pass <= maxPasses; pass += 1) {
  const changed = runPass();
  console.error(`pass ${pass}: ${changed} files changed`);
  if (changed === 0) break;
}
if (!existsSync(DATABASE_MODULE.replace(/\.js$/, '.ts'))) console.error('warning: server/db/database.ts not found');

import { CHROMIUM, ensureTool, installAllowed, JAVA, ToolMissing } from './tools.js';

/**
 * `tsx test/setup/find-tool.ts chromium|java`: what the test set-up does for one tool, as a
 * command. Prints the path and where it was found; or one line on stderr and exits 1.
 */
const tools = { chromium: CHROMIUM, java: JAVA };
const name = process.argv[2];
if (name !== 'chromium' && name !== 'java') {
  process.stderr.write('usage: find-tool.ts chromium|java\n');
  process.exit(2);
}
try {
  const found = ensureTool(tools[name], process.env, { install: installAllowed(process.env), log: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${found.path}\t${found.source}\n`);
} catch (error) {
  if (!(error instanceof ToolMissing)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}

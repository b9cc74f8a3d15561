#!/usr/bin/env node
// The entry point of the `undersigned` binary (package.json `bin`): every command is listed in run.ts.
import { runCli } from './run.js';

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }).then((code) => {
  process.exitCode = code;
});

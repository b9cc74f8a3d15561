import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { runCli } from '../../server/cli/run.js';
import { projectPath } from '../../server/lib/project-root.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** What every test command runs with, under what the test gives: test mode, no logs. */
const commandEnv = (env: Record<string, string>): Record<string, string> => ({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });

/** Runs a TypeScript file of the project in a child Node.js (with tsx), with exactly `env`, and collects what it prints. */
export function runTsProcess(file: string, args: string[], env: Record<string, string>, stdin?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', projectPath(file), ...args], { cwd: projectPath(), env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** The source of the binary that package.json's `bin` names (built into dist/): the tests run what the `undersigned` binary and `npm run undersigned` run. */
const CLI_SOURCE = (JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { bin: { undersigned: string } }).bin.undersigned.replace(/^dist\//, '').replace(/\.js$/, '.ts');

/**
 * Runs `undersigned ARGS` as a child process from the TypeScript source, against the given
 * environment: for what only a real process shows (exit codes, the binary's entry point, real
 * pipes, another process holding the database). About 2 s each; use `runCliCommand` otherwise.
 */
export const runCliProcess = (args: string[], env: Record<string, string>, stdin?: string): Promise<CliResult> =>
  runTsProcess(CLI_SOURCE, args, { PATH: process.env.PATH ?? '', ...commandEnv(env) }, stdin);

/** A stream that keeps what is written to it, as the text of a piped standard output. */
function collected(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/**
 * Runs `undersigned ARGS` in this process through `runCli`, the function the binary calls, with
 * piped (non-terminal) standard streams and the environment given: the same command, parsing,
 * database and output as `runCliProcess`, in milliseconds instead of seconds.
 */
export async function runCliCommand(args: string[], env: Record<string, string>, stdin?: string): Promise<CliResult> {
  const stdout = collected();
  const stderr = collected();
  const input = Readable.from(stdin === undefined ? [] : [Buffer.from(stdin)]);
  const code = await runCli(args, { stdout: stdout.stream, stderr: stderr.stream, stdin: input }, commandEnv(env));
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

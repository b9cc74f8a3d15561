import { spawn, type ChildProcess } from 'node:child_process';
import { projectPath } from '../../server/lib/project-root.js';

export interface AppProcess {
  url: string;
  child: ChildProcess;
  /** What the process wrote to its standard error, for a failing test's message. */
  errors(): string;
  /** SIGTERM, and SIGKILL if it has not exited within a few seconds. */
  kill(): Promise<void>;
}

/**
 * The server's entry point (server/main.ts) as a child process of its own, from the TypeScript
 * source, listening on 127.0.0.1 port 0: its URL is read from its "listening" log line.
 */
export function startAppProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<AppProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', projectPath('server/main.ts')], {
    cwd: projectPath(),
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const kill = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const hard = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(hard);
        resolve();
      });
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void kill();
      reject(new Error(`the app process did not report listening in ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const entry = parseLine(line);
        if (entry?.msg === 'undersigned is listening' && typeof entry.url === 'string') {
          clearTimeout(timer);
          resolve({ url: entry.url, child, errors: () => stderr, kill });
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the app process exited with ${code} before listening: ${stderr}`));
    });
  });
}

function parseLine(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

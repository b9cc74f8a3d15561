import { spawn, type ChildProcess } from 'node:child_process';
import { projectPath } from '../../server/lib/project-root.js';
import { waitFor } from './wait.js';

/** One JSON line of the server's log (pino): `pid` says which process wrote it. */
export type LogLine = Record<string, unknown> & { pid?: number; msg?: string };

export interface SpawnedApp {
  child: ChildProcess;
  /** Every log line written to standard output so far, by the process and (in a cluster) its workers. */
  logs(): LogLine[];
  /** What the process wrote to its standard error, for a failing test's message. */
  errors(): string;
  /** The exit code once the process has exited (null if a signal ended it). */
  exited: Promise<number | null>;
  /** SIGTERM, and SIGKILL if it has not exited within a few seconds. */
  kill(): Promise<void>;
}

export interface AppProcess extends SpawnedApp {
  url: string;
}

const running = new Set<SpawnedApp>();

/** Stops every app process this test file started and has not stopped yet: for an afterEach or afterAll, so a failed or timed-out test leaves none behind. */
export const killAppProcesses = async (): Promise<void> => void (await Promise.all([...running].map((app) => app.kill())));

/** The server's entry point (server/main.ts) as a child process of its own, from the TypeScript source, on 127.0.0.1 port 0. */
export function spawnApp(env: Record<string, string>): SpawnedApp {
  const child = spawn(process.execPath, ['--import', 'tsx', projectPath('server/main.ts')], {
    cwd: projectPath(),
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines: LogLine[] = [];
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete) {
      const entry = parseLine(line);
      if (entry) lines.push(entry);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
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
  const app = { child, logs: () => lines, errors: () => stderr, exited, kill };
  running.add(app);
  void exited.then(() => running.delete(app));
  return app;
}

/**
 * spawnApp, resolved once `listening` processes (1, or a cluster's workers) have logged that they
 * listen: the URL is read from those lines.
 */
export async function startAppProcess(env: Record<string, string>, { timeoutMs = 30_000, listening = 1 } = {}): Promise<AppProcess> {
  const app = spawnApp(env);
  let exitCode: number | null | undefined;
  void app.exited.then((code) => (exitCode = code));
  try {
    const url = await waitFor(() => {
      if (exitCode !== undefined) throw new Error(`the app process exited with ${exitCode} before listening: ${app.errors()}`);
      const urls = listeningLines(app).map((line) => line.url);
      return urls.length >= listening && (urls[0] as string);
    }, timeoutMs);
    return { ...app, url };
  } catch (error) {
    await app.kill();
    throw error instanceof Error && error.message === 'timed out' ? new Error(`the app process did not report listening in ${timeoutMs} ms: ${app.errors()}`) : error;
  }
}

/** The "listening" line each server process writes once it accepts requests. */
export const listeningLines = (app: Pick<SpawnedApp, 'logs'>): LogLine[] => app.logs().filter((line) => line.msg === 'undersigned is listening' && typeof line.url === 'string');

function parseLine(line: string): LogLine | undefined {
  try {
    return JSON.parse(line) as LogLine;
  } catch {
    return undefined;
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ABUSE_LIMITS_OFF } from '../../server/config.js';

export const ROOT = join(import.meta.dirname, '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningProcess {
  child: ChildProcess;
  url: string;
  /** Milliseconds from spawn until /healthz answered. */
  startupMs: number;
  /** Peak resident memory so far, from /proc (kB → MB). */
  peakRssMb(): number;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Benchmarks run the built server (dist/) as its own process, like production. */
export const APP_ENTRY = join(ROOT, 'dist', 'server', 'main.js');
export const CLI_ENTRY = join(ROOT, 'dist', 'server', 'cli', 'main.js');

export const benchEnv = (databasePath: string, extra: Record<string, string> = {}): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  NODE_ENV: 'development',
  DATABASE_PATH: databasePath,
  LOG_LEVEL: 'warn',
  ...ABUSE_LIMITS_OFF,
  // The seeded letter has ~100,000 signatures past the reminder delay; their reminders would be
  // sent during the measurements. The slices they are sent in are a separate concern.
  JOBS_INTERVAL_MINUTES: '0',
  SEED_DEMO_LETTER: 'yes',
  ...extra,
});

export async function startProcess(args: string[], env: Record<string, string>, options: { port?: number; timeoutMs?: number } = {}): Promise<RunningProcess> {
  const port = options.port ?? (await freePort());
  const started = performance.now();
  const child = spawn(process.execPath, args, { env: { ...env, PORT: String(port), BASE_URL: `http://127.0.0.1:${port}` }, stdio: ['ignore', 'inherit', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode} before listening`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${args.join(' ')} did not answer /healthz in time`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const startupMs = performance.now() - started;
  return {
    child,
    url,
    startupMs,
    peakRssMb: () => peakRssMb(child.pid),
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
}

export function peakRssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = status.match(/VmHWM:\s+(\d+) kB/);
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export const startApp = (databasePath: string, extra: Record<string, string> = {}) => startProcess([APP_ENTRY], benchEnv(databasePath, extra));
export const startBaseline = () => startProcess([join(ROOT, 'bench', 'baseline-server.mjs')], { PATH: process.env.PATH ?? '' });

/** The pids of a process's children (a cluster primary's workers), from /proc. */
export function childPids(pid: number | undefined): number[] {
  if (!pid) return [];
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** CPU seconds (user and system, all threads) a process has used so far, from /proc (clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  try {
    // The fields after the command name, which is in parentheses and may hold spaces.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

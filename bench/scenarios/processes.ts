import { freshDatabasePath, seededDatabase } from '../lib/datasets.js';
import { load } from '../lib/load.js';
import type { BenchPostgres } from '../lib/postgres.js';
import { childPids, cpuSeconds, type RunningProcess } from '../lib/processes.js';
import { postgresTarget, sqliteTarget, type EngineCase } from './engines.js';
import { SCALE } from './pages-at-scale.js';

/** Signatures on PostgreSQL's letter: seeding a million there takes many minutes, and a kept letter page does not count rows. */
export const POSTGRES_SCALE = Number(process.env.BENCH_POSTGRES_SIGNATURES ?? 20_000);

const WARM_UP_SECONDS = 3;

/**
 * One `npm start` (dist/server/main.js) with WEB_CONCURRENCY=`workers`. Before measuring, a few
 * seconds of load on /healthz: the primary answers /healthz as soon as its first worker listens,
 * and the others may still be loading. After each measurement the note gives the CPU seconds each
 * worker spent on it (from /proc), which shows whether both served.
 */
function cluster(workers: number): Pick<EngineCase, 'env' | 'ready' | 'describe'> {
  const spent = new Map<number, number>();
  const mark = (apps: RunningProcess[]) => {
    for (const pid of childPids(apps[0]?.child.pid)) spent.set(pid, cpuSeconds(pid));
  };
  return {
    env: { WEB_CONCURRENCY: String(workers) },
    async ready(apps) {
      await load({ url: apps.map((app) => `${app.url}/healthz`), durationSeconds: WARM_UP_SECONDS });
      mark(apps);
    },
    describe(apps) {
      const pids = childPids(apps[0]?.child.pid);
      const used = pids.map((pid) => cpuSeconds(pid) - (spent.get(pid) ?? 0));
      mark(apps);
      // A single process's own CPU (no workers): nothing to split.
      if (workers === 1) return '';
      return `CPU s per worker: ${used.map((seconds) => seconds.toFixed(1)).join(', ')}${pids.length === workers ? '' : ` — ${pids.length} workers running, ${workers} expected`}`;
    },
  };
}

/** SQLite, then PostgreSQL if given, each with WEB_CONCURRENCY=1 and 2; the same warm-up for all. */
export const processCases = (postgres: BenchPostgres | undefined): EngineCase[] => [
  ...[1, 2].map((workers) => ({ name: `SQLite, WEB_CONCURRENCY=${workers}`, processes: 1, ...cluster(workers), fresh: async () => sqliteTarget(freshDatabasePath()), seeded: async () => sqliteTarget(seededDatabase(SCALE)) })),
  ...(postgres
    ? [1, 2].map((workers) => ({
        name: `PostgreSQL, WEB_CONCURRENCY=${workers}`,
        processes: 1,
        ...cluster(workers),
        fresh: async () => postgresTarget(await postgres.fresh()),
        seeded: async () => postgresTarget(await postgres.seeded(POSTGRES_SCALE)),
      }))
    : []),
];

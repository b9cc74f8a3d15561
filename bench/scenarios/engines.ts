import { eq, like } from 'drizzle-orm';
import { openDatabase, type DatabaseConfig } from '../../server/db/client.js';
import { outbox, signatures } from '../../server/db/schema.js';
import { BENCH_LETTER, freshDatabasePath, seededDatabase } from '../lib/datasets.js';
import { load, type LoadResult } from '../lib/load.js';
import type { BenchPostgres } from '../lib/postgres.js';
import { startApp, type RunningProcess } from '../lib/processes.js';
import { FORM, measureBaseline, signBody } from './baseline.js';
import { formatNumber } from '../lib/report.js';
import { pathAtDepth, SCALE } from './pages-at-scale.js';

/** One database and how the app and the bench reach it. */
export interface Target {
  databasePath: string;
  env: Record<string, string>;
  config: DatabaseConfig;
}

export const sqliteTarget = (databasePath: string): Target => ({ databasePath, env: {}, config: { databasePath, databaseUrl: undefined, databasePoolSize: 1 } });
export const postgresTarget = (url: string): Target => ({ databasePath: '', env: { DATABASE_URL: url }, config: { databasePath: '', databaseUrl: url, databasePoolSize: 1 } });

export interface EngineCase {
  name: string;
  /** App processes started side by side, each on a port of its own. */
  processes: number;
  /** Settings of this case for every app process (WEB_CONCURRENCY, say). */
  env?: Record<string, string>;
  /** Waits until the started processes can all serve (a cluster's workers all listening, say). */
  ready?(apps: RunningProcess[]): Promise<void>;
  /** Said of the running processes just before they stop, added to the measurement's note. */
  describe?(apps: RunningProcess[]): string;
  /** A new empty database for signing, a new copy of the seeded one for reading. */
  fresh(): Promise<Target>;
  seeded(): Promise<Target>;
}

export const engineCases = (postgres: BenchPostgres): EngineCase[] => [
  { name: 'SQLite, 1 process', processes: 1, fresh: async () => sqliteTarget(freshDatabasePath()), seeded: async () => sqliteTarget(seededDatabase(SCALE)) },
  { name: 'PostgreSQL, 1 process', processes: 1, fresh: async () => postgresTarget(await postgres.fresh()), seeded: async () => postgresTarget(await postgres.seeded(SCALE)) },
  { name: 'PostgreSQL, 2 processes', processes: 2, fresh: async () => postgresTarget(await postgres.fresh()), seeded: async () => postgresTarget(await postgres.seeded(SCALE)) },
];

export interface Measurement {
  case: string;
  what: string;
  /** Compared with the bare Express app's answer to the same method. */
  method: 'GET' | 'POST';
  result: LoadResult;
  note?: string;
}

/**
 * N app processes on one database, started one after another (the first one migrates and seeds
 * the demo letter; the next finds both done), each on its own port.
 */
async function startApps(target: Target, engineCase: EngineCase): Promise<{ urls: string[]; describe(): string; stop(): Promise<void> }> {
  const apps: RunningProcess[] = [];
  try {
    for (let i = 0; i < engineCase.processes; i += 1) apps.push(await startApp(target.databasePath, { ...target.env, ...engineCase.env }));
    await engineCase.ready?.(apps);
  } catch (error) {
    await Promise.all(apps.map((app) => app.stop()));
    throw error;
  }
  return {
    urls: apps.map((app) => app.url),
    describe: () => engineCase.describe?.(apps) ?? '',
    stop: async () => void (await Promise.all(apps.map((app) => app.stop()))),
  };
}

const emailOf = (body: string): string => new URLSearchParams(body).get('email') ?? '';

/**
 * POST sign on a fresh database, 20 connections spread over the processes. Afterwards every
 * address that was answered 303 must be stored: the count is checked against the database.
 */
export async function signOn(engineCase: EngineCase): Promise<Measurement> {
  const target = await engineCase.fresh();
  const apps = await startApps(target, engineCase);
  const answered = new Set<string>();
  let result: LoadResult;
  let note = '';
  try {
    result = await load({
      url: apps.urls.map((url) => `${url}/letters/${BENCH_LETTER}/signatures`),
      method: 'POST',
      headers: FORM,
      body: signBody,
      expect: [303],
      onAnswer: (status, body) => {
        if (status === 303) answered.add(emailOf(body));
      },
    });
    note = apps.describe();
  } finally {
    await apps.stop();
  }
  const db = openDatabase(target.config);
  let stored: Set<string>;
  let queued: number;
  try {
    stored = new Set((await db.select({ email: signatures.email }).from(signatures).where(like(signatures.email, 'bench.%'))).map((row) => row.email));
    queued = await db.$count(outbox, eq(outbox.kind, 'confirm-signature'));
  } finally {
    await db.close();
  }
  const lost = [...answered].filter((email) => !stored.has(email)).length;
  // Requests in flight when the load stopped are stored without their answer being counted.
  const check = `${answered.size} answered 303, ${stored.size} stored, ${lost} answered but not stored${lost > 0 ? ' — SIGNATURES LOST' : ''}, ${queued} confirmation mails queued${queued < stored.size ? ' — MAILS MISSING' : ''}`;
  console.error(`${engineCase.name}: ${check}`);
  return { case: engineCase.name, what: 'POST sign', method: 'POST', result, note: [check, note].filter(Boolean).join('; ') };
}

/** The letter page, the first list page and the list 10,000 names deep, on the seeded letter (or only the letter page). */
export async function pagesOn(engineCase: EngineCase, pages: 'all' | 'letter' = 'all'): Promise<Measurement[]> {
  const target = await engineCase.seeded();
  const apps = await startApps(target, engineCase);
  try {
    const measure = async (what: string, path: string): Promise<Measurement> => {
      const result = await load({ url: apps.urls.map((url) => `${url}${path}`) });
      return { case: engineCase.name, what, method: 'GET', result, note: apps.describe() };
    };
    const letterPage = await measure('GET letter page', `/letters/${BENCH_LETTER}`);
    if (pages === 'letter') return [letterPage];
    const deepPath = await pathAtDepth(apps.urls[0] as string, 10_000);
    return [
      letterPage,
      await measure('GET list, first page', `/letters/${BENCH_LETTER}/signatories`),
      await measure('GET list, 10,000 deep', deepPath),
    ];
  } finally {
    await apps.stop();
  }
}

/**
 * The bare Express app, then each case's signing and pages, then the bare Express app again: the
 * machine is shared, so ratios are to the mean of the two baselines. Returns the results and
 * their table for bench/RESULTS.md.
 */
export async function measureCases(cases: EngineCase[], pages: 'all' | 'letter', scale: string): Promise<{ data: object; table: string[] }> {
  console.error('measuring the bare Express baseline…');
  const before = await measureBaseline();
  const measurements: Measurement[] = [];
  for (const engineCase of cases) {
    console.error(`${engineCase.name}: signing…`);
    measurements.push(await signOn(engineCase));
    console.error(`${engineCase.name}: pages…`);
    measurements.push(...(await pagesOn(engineCase, pages)));
  }
  const after = await measureBaseline();
  const mean = { get: (before.get.requestsPerSecond + after.get.requestsPerSecond) / 2, post: (before.post.requestsPerSecond + after.post.requestsPerSecond) / 2 };
  const table = [
    `Bare Express (one process), before and after the cases: GET ${formatNumber(before.get.requestsPerSecond)} and ${formatNumber(after.get.requestsPerSecond)} req/s, POST ${formatNumber(before.post.requestsPerSecond)} and ${formatNumber(after.post.requestsPerSecond)} req/s; ratios are to the mean of the two. ${scale}`,
    '',
    '| case | request | req/s | p50 | p99 | × bare Express | errors, other statuses | |',
    '|---|---|---:|---:|---:|---:|---|---|',
    ...measurements.map(
      (m) =>
        `| ${m.case} | ${m.what} | ${formatNumber(m.result.requestsPerSecond)} | ${m.result.p50Ms} ms | ${m.result.p99Ms} ms | ${(m.result.requestsPerSecond / (m.method === 'POST' ? mean.post : mean.get)).toFixed(2)} | ${m.result.errors}, ${m.result.non2xx} | ${m.note ?? ''} |`,
    ),
  ];
  return { data: { baseline: { before, after }, measurements }, table };
}

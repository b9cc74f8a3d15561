import { eq, like } from 'drizzle-orm';
import { openDatabase, type DatabaseConfig } from '../../server/db/client.js';
import { outbox, signatures } from '../../server/db/schema.js';
import { BENCH_LETTER, freshDatabasePath, seededDatabase } from '../lib/datasets.js';
import { load, type LoadResult } from '../lib/load.js';
import type { BenchPostgres } from '../lib/postgres.js';
import { startApp, type RunningProcess } from '../lib/processes.js';
import { FORM, signBody } from './baseline.js';
import { pathAtDepth, SCALE } from './pages-at-scale.js';

/** One database and how the app and the bench reach it. */
interface Target {
  databasePath: string;
  env: Record<string, string>;
  config: DatabaseConfig;
}

const sqliteTarget = (databasePath: string): Target => ({ databasePath, env: {}, config: { databasePath, databaseUrl: undefined, databasePoolSize: 1 } });
const postgresTarget = (url: string): Target => ({ databasePath: '', env: { DATABASE_URL: url }, config: { databasePath: '', databaseUrl: url, databasePoolSize: 1 } });

export interface EngineCase {
  name: string;
  processes: number;
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
async function startApps(target: Target, processes: number): Promise<{ urls: string[]; stop(): Promise<void> }> {
  const apps: RunningProcess[] = [];
  try {
    for (let i = 0; i < processes; i += 1) apps.push(await startApp(target.databasePath, target.env));
  } catch (error) {
    await Promise.all(apps.map((app) => app.stop()));
    throw error;
  }
  return { urls: apps.map((app) => app.url), stop: async () => void (await Promise.all(apps.map((app) => app.stop()))) };
}

const emailOf = (body: string): string => new URLSearchParams(body).get('email') ?? '';

/**
 * POST sign on a fresh database, 20 connections spread over the processes. Afterwards every
 * address that was answered 303 must be stored: the count is checked against the database.
 */
export async function signOn(engineCase: EngineCase): Promise<Measurement> {
  const target = await engineCase.fresh();
  const apps = await startApps(target, engineCase.processes);
  const answered = new Set<string>();
  let result: LoadResult;
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
  const check = `${answered.size} answered 303, ${stored.size} stored, ${lost} answered but not stored${lost > 0 ? ' — SIGNATURES LOST' : ''}, ${queued} confirmation mails queued`;
  console.error(`${engineCase.name}: ${check}`);
  return { case: engineCase.name, what: 'POST sign', method: 'POST', result, note: check };
}

/** The letter page, the first list page and the list 10,000 names deep, on the seeded letter. */
export async function pagesOn(engineCase: EngineCase): Promise<Measurement[]> {
  const target = await engineCase.seeded();
  const apps = await startApps(target, engineCase.processes);
  try {
    const [first] = apps.urls as [string];
    const deepPath = await pathAtDepth(first, 10_000);
    const measure = async (what: string, path: string): Promise<Measurement> => ({
      case: engineCase.name,
      what,
      method: 'GET',
      result: await load({ url: apps.urls.map((url) => `${url}${path}`) }),
    });
    return [
      await measure('GET letter page', `/letters/${BENCH_LETTER}`),
      await measure('GET list, first page', `/letters/${BENCH_LETTER}/signatories`),
      await measure('GET list, 10,000 deep', deepPath),
    ];
  } finally {
    await apps.stop();
  }
}

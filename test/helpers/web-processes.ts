import { join } from 'node:path';
import request, { type Response } from 'supertest';
import { expect, it } from 'vitest';
import { ABUSE_LIMITS_OFF } from '../../server/config.js';
import { openMigratedDatabase } from '../../server/db/client.js';
import type { Database } from '../../server/db/database.js';
import { signatures } from '../../server/db/schema.js';
import { tempDir, testConfig } from './config.js';
import { buildLetter, signForm } from './factories.js';
import { waitFor } from './wait.js';
import { listeningLines, startAppProcess, type AppProcess, type LogLine } from './app-process.js';
import { describeAppsOnOneDatabase } from './two-processes.js';

/** Web processes a cluster's tests start: two, so every request alternates between them. */
export const WEB_PROCESSES = 2;

/**
 * A test that starts a cluster: three Node.js processes loading the server from TypeScript, which
 * on a machine busy with other work takes far longer than the 20 s a test is given by default.
 */
export const CLUSTER_TEST_MS = 60_000;

/** `npm start` with WEB_CONCURRENCY: a cluster's primary and its workers, resolved once every worker listens. */
export const startCluster = (env: Record<string, string>, workers = WEB_PROCESSES): Promise<AppProcess> =>
  startAppProcess({ ...env, WEB_CONCURRENCY: String(workers) }, { listening: workers, timeoutMs: CLUSTER_TEST_MS });

/** The pids of the processes that logged an answered request matching `matches`. */
export const pidsThatAnswered = (app: AppProcess, matches: (line: LogLine & { req?: { method?: string; url?: string } }) => boolean): Set<number | undefined> =>
  new Set(app.logs().filter((line) => line.msg === 'request completed' && matches(line)).map((line) => line.pid));

/**
 * The signing journey of describeAppsOnOneDatabase through one port that WEB_PROCESSES workers
 * share, then a graceful stop: the same tests on either engine.
 */
export function describeWebConcurrency(engine: string, databaseEnv: () => Promise<Record<string, string>>): void {
  let cluster: AppProcess;
  describeAppsOnOneDatabase(
    `WEB_CONCURRENCY=${WEB_PROCESSES} on one ${engine} database`,
    databaseEnv,
    async (env) => {
      cluster = await startCluster(env);
      return { urls: [cluster.url], stop: cluster.kill };
    },
    () => {
      it('when requests arrive on the one port, then each worker (its own pid in its log lines) answered sign forms', () => {
        const workers = listeningLines(cluster);
        expect(new Set(workers.map((line) => line.url))).toEqual(new Set([cluster.url]));
        const pids = new Set(workers.map((line) => line.pid));
        expect(pids.size).toBe(WEB_PROCESSES);
        expect(pids).not.toContain(cluster.child.pid);
        expect(pidsThatAnswered(cluster, (line) => line.req?.method === 'POST')).toEqual(pids);
      });

      it('when the primary gets SIGTERM, then every worker stops cleanly and it exits 0', async () => {
        await cluster.kill();
        expect(await cluster.exited).toBe(0);
        const stopped = cluster.logs().filter((line) => line.msg === 'stopped cleanly').map((line) => line.pid);
        expect(new Set(stopped)).toEqual(new Set(listeningLines(cluster).map((line) => line.pid)));
      }, CLUSTER_TEST_MS);
    },
  );
}

export interface SlowSigning {
  cluster: AppProcess;
  db: Database;
  /**
   * Sends a sign form for each address, each on a connection of its own, and resolves once all are
   * stored, with their answers still to come (each settled: a worker killed meanwhile rejects one).
   */
  signInFlight(emails: string[]): Promise<{ answers: Promise<PromiseSettledResult<Response>[]> }>;
}

/**
 * A cluster on a SQLite file with an open letter, whose accepted sign forms are stored at once and
 * answered 3 s later (SIGN_RESPONSE_MS): what is in flight when the cluster is told to stop.
 */
export async function withSlowSigningCluster(use: (slow: SlowSigning) => Promise<void>): Promise<void> {
  const env = { DATABASE_PATH: join(tempDir(), 'shared.db'), ...ABUSE_LIMITS_OFF, BASE_URL: 'http://127.0.0.1', JOBS_INTERVAL_MINUTES: '0' };
  const db = await openMigratedDatabase(testConfig(env));
  try {
    const letter = await buildLetter({ db, now: () => new Date() });
    const cluster = await startCluster({ ...env, SIGN_RESPONSE_MS: '3000' });
    const signInFlight = async (emails: string[]) => {
      const before = await db.$count(signatures);
      const answers = Promise.allSettled(emails.map((email) => request(cluster.url).post(`/letters/${letter.slug}/signatures`).set('Connection', 'close').type('form').send(signForm({ email }))));
      await waitFor(async () => (await db.$count(signatures)) === before + emails.length, 10_000);
      return { answers };
    };
    await use({ cluster, db, signInFlight });
  } finally {
    await db.close();
  }
}

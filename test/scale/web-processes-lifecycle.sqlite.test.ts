import { join } from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { outbox } from '../../server/db/schema.js';
import { killAppProcesses, listeningLines } from '../helpers/app-process.js';
import { tempDir } from '../helpers/config.js';
import { waitFor } from '../helpers/wait.js';
import { CLUSTER_TEST_MS, pidsThatAnswered, startCluster, WEB_PROCESSES, withSlowSigningCluster } from '../helpers/web-processes.js';

const SIGNERS = 6;

/** A new connection per request, so the cluster hands each to the next worker. */
const get = (url: string, path = '/') => request(url).get(path).set('Connection', 'close');

describe('WEB_CONCURRENCY: the primary looks after its workers', () => {
  afterEach(killAppProcesses);

  it('when SIGTERM arrives while sign requests are in flight, then each is answered and stored with its mail, and the primary exits 0', () =>
    withSlowSigningCluster(async ({ cluster, db, signInFlight }) => {
      const { answers } = await signInFlight(Array.from({ length: SIGNERS }, (_, i) => `inflight${i}@example.org`));
      cluster.child.kill('SIGTERM');
      expect((await answers).map((answer) => (answer.status === 'fulfilled' ? answer.value.status : answer.reason))).toEqual(Array<number>(SIGNERS).fill(303));
      expect(await cluster.exited).toBe(0);
      expect(await db.$count(outbox)).toBe(SIGNERS);
      expect(pidsThatAnswered(cluster, (line) => line.req?.method === 'POST').size).toBe(WEB_PROCESSES);
    }), CLUSTER_TEST_MS);

  it('when a worker is killed with SIGKILL, then the site keeps answering and the primary starts another in its place', async () => {
    const running = await startCluster({ DATABASE_PATH: join(tempDir(), 'shared.db'), JOBS_INTERVAL_MINUTES: '0' });
    const [victim, survivor] = listeningLines(running).map((line) => line.pid as number) as [number, number];
    process.kill(victim, 'SIGKILL');
    await waitFor(() => running.logs().some((line) => line.msg === 'a web process died; starting another' && line.workerPid === victim && line.signal === 'SIGKILL'), 10_000);
    for (let i = 0; i < 4; i += 1) await get(running.url).expect(200);
    const replacement = await waitFor(() => listeningLines(running).find((line) => line.pid !== victim && line.pid !== survivor)?.pid, 30_000);
    for (let i = 0; i < 4; i += 1) await get(running.url).expect(200);
    expect(pidsThatAnswered(running, () => true)).toEqual(new Set([survivor, replacement]));
  }, CLUSTER_TEST_MS);
});

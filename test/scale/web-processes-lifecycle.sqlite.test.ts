import { join } from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { ABUSE_LIMITS_OFF } from '../../server/config.js';
import { openMigratedDatabase } from '../../server/db/client.js';
import { outbox, signatures } from '../../server/db/schema.js';
import { killAppProcesses, listeningLines } from '../helpers/app-process.js';
import { tempDir, testConfig } from '../helpers/config.js';
import { buildLetter, signForm } from '../helpers/factories.js';
import { waitFor } from '../helpers/wait.js';
import { CLUSTER_TEST_MS, pidsThatAnswered, startCluster, WEB_PROCESSES } from '../helpers/web-processes.js';

const SIGNERS = 6;

/** A new connection per request, so the cluster hands each to the next worker. */
const get = (url: string, path = '/') => request(url).get(path).set('Connection', 'close');

describe('WEB_CONCURRENCY: the primary looks after its workers', () => {
  afterEach(killAppProcesses);

  it('when SIGTERM arrives while sign requests are in flight, then each is answered and stored with its mail, and the primary exits 0', async () => {
    const env = { DATABASE_PATH: join(tempDir(), 'shared.db'), ...ABUSE_LIMITS_OFF, BASE_URL: 'http://127.0.0.1', JOBS_INTERVAL_MINUTES: '0' };
    const db = await openMigratedDatabase(testConfig(env));
    try {
      const letter = await buildLetter({ db, now: () => new Date() });
      // Stored at once, answered 3 s later: the answers are in flight when SIGTERM comes.
      const running = await startCluster({ ...env, SIGN_RESPONSE_MS: '3000' });
      const answers = Promise.all(
        Array.from({ length: SIGNERS }, (_, i) => request(running.url).post(`/letters/${letter.slug}/signatures`).set('Connection', 'close').type('form').send(signForm({ email: `inflight${i}@example.org` }))),
      );
      await waitFor(async () => (await db.$count(signatures)) === SIGNERS, 10_000);
      running.child.kill('SIGTERM');
      expect((await answers).map((res) => res.status)).toEqual(Array<number>(SIGNERS).fill(303));
      expect(await running.exited).toBe(0);
      expect(await db.$count(outbox)).toBe(SIGNERS);
      expect(pidsThatAnswered(running, (line) => line.req?.method === 'POST').size).toBe(WEB_PROCESSES);
    } finally {
      await db.close();
    }
  }, CLUSTER_TEST_MS);

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

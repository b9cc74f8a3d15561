import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { ABUSE_LIMITS_OFF } from '../../server/config.js';
import { openMigratedDatabase } from '../../server/db/client.js';
import { signatures } from '../../server/db/schema.js';
import { RESTART_GUARD } from '../../server/web-processes.js';
import { killAppProcesses, spawnApp } from '../helpers/app-process.js';
import { tempDir, testConfig } from '../helpers/config.js';
import { buildLetter, signForm } from '../helpers/factories.js';
import { waitFor } from '../helpers/wait.js';
import { CLUSTER_TEST_MS, startCluster, WEB_PROCESSES } from '../helpers/web-processes.js';

describe('WEB_CONCURRENCY: when web processes fail', () => {
  afterEach(killAppProcesses);

  it('when WEB_CONCURRENCY is out of range or not a number, then nothing starts: one line names it and the exit code is 1', async () => {
    const databasePath = join(tempDir(), 'never.db');
    const runs = await Promise.all(['0', 'two'].map(async (value) => {
      const app = spawnApp({ DATABASE_PATH: databasePath, WEB_CONCURRENCY: value });
      return { code: await app.exited, errors: app.errors(), logs: app.logs() };
    }));
    for (const run of runs) {
      expect(run.code).toBe(1);
      expect(run.errors).toMatch(/^Invalid configuration:\n {2}WEB_CONCURRENCY: [^\n]+\n$/);
      expect(run.logs).toEqual([]);
    }
    expect(existsSync(databasePath)).toBe(false);
  }, CLUSTER_TEST_MS);

  it('when a worker dies while the cluster stops, then the primary says which and exits 1', async () => {
    const env = { DATABASE_PATH: join(tempDir(), 'shared.db'), ...ABUSE_LIMITS_OFF, BASE_URL: 'http://127.0.0.1', JOBS_INTERVAL_MINUTES: '0' };
    const db = await openMigratedDatabase(testConfig(env));
    try {
      const letter = await buildLetter({ db, now: () => new Date() });
      // Stored at once, answered 3 s later: each worker is still busy when it is told to stop.
      const running = await startCluster({ ...env, SIGN_RESPONSE_MS: '3000' });
      const answers = Promise.allSettled([0, 1].map((i) => request(running.url).post(`/letters/${letter.slug}/signatures`).set('Connection', 'close').type('form').send(signForm({ email: `stopping${i}@example.org` }))));
      await waitFor(async () => (await db.$count(signatures)) === 2, 10_000);
      running.child.kill('SIGTERM');
      const stopping = await waitFor(() => {
        const pids = running.logs().filter((line) => line.msg === 'shutting down: finishing requests in flight').map((line) => line.pid);
        return pids.length === WEB_PROCESSES && pids;
      }, 10_000);
      process.kill(stopping[0] as number, 'SIGKILL');
      expect(await running.exited).toBe(1);
      expect(running.logs().filter((line) => line.msg === 'a web process did not stop cleanly').map((line) => line.workerPid)).toEqual([stopping[0]]);
      expect((await answers).map((answer) => answer.status).sort()).toEqual(['fulfilled', 'rejected']);
    } finally {
      await db.close();
    }
  }, CLUSTER_TEST_MS);

  describe('when the workers keep dying at start', () => {
    let taken: Server;
    afterEach(() => new Promise<void>((resolve) => taken.close(() => resolve())));

    it('(their port is taken), then the primary stops starting more, says why and exits 1', async () => {
      taken = createServer();
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
      const address = taken.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const app = spawnApp({ DATABASE_PATH: join(tempDir(), 'shared.db'), JOBS_INTERVAL_MINUTES: '0', WEB_CONCURRENCY: String(WEB_PROCESSES), PORT: String(port) });
      expect(await app.exited).toBe(1);
      const logs = app.logs();
      expect(logs.filter((line) => line.msg === 'a web process died; starting another')).toHaveLength(RESTART_GUARD.maxQuickExits - 1);
      expect(logs.filter((line) => line.level === 60).map((line) => line.msg)).toEqual(['web processes keep dying at start, before listening or within 10 s of it (5 in a row): not starting more; stopping']);
      expect(app.errors()).toContain('EADDRINUSE');
    }, 3 * CLUSTER_TEST_MS);
  });
});

import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RESTART_GUARD } from '../../server/web-processes.js';
import { killAppProcesses, spawnApp } from '../helpers/app-process.js';
import { tempDir } from '../helpers/config.js';
import { waitFor } from '../helpers/wait.js';
import { CLUSTER_TEST_MS, WEB_PROCESSES, withSlowSigningCluster } from '../helpers/web-processes.js';

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

  it('when a worker dies while the cluster stops, then the primary says which and exits 1', () =>
    withSlowSigningCluster(async ({ cluster, signInFlight }) => {
      // One form per worker: each is still busy when it is told to stop.
      const { answers } = await signInFlight(['stopping0@example.org', 'stopping1@example.org']);
      cluster.child.kill('SIGTERM');
      const stopping = await waitFor(() => {
        const pids = cluster.logs().filter((line) => line.msg === 'shutting down: finishing requests in flight').map((line) => line.pid);
        return pids.length === WEB_PROCESSES && pids;
      }, 10_000);
      process.kill(stopping[0] as number, 'SIGKILL');
      expect(await cluster.exited).toBe(1);
      expect(cluster.logs().filter((line) => line.msg === 'a web process did not stop cleanly').map((line) => line.workerPid)).toEqual([stopping[0]]);
      expect((await answers).map((answer) => answer.status).sort()).toEqual(['fulfilled', 'rejected']);
    }), CLUSTER_TEST_MS);

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

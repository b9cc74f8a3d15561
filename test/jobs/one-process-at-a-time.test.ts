import { afterEach, describe, expect, it } from 'vitest';
import { startScheduledJobs, type ScheduledJob } from '../../server/jobs/index.js';
import { buildTestApp, databaseEnv, type TestApp } from '../helpers/app.js';
import { TestClock } from '../helpers/clock.js';

/*
 * Two apps on one database stand for two server processes: each has its own scheduler (and, on
 * PostgreSQL, its own pool), so only the database can keep them from running a round twice.
 */
let apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.map((app) => app.close()));
  apps = [];
});

const INTERVAL_MINUTES = 60;

async function twoApps(clock: TestClock): Promise<[TestApp, TestApp]> {
  const a = await buildTestApp({ clock });
  apps.push(a);
  const b = await buildTestApp({ clock, env: databaseEnv(a.config) });
  apps.push(b);
  return [a, b];
}

/** A job that takes a moment, and remembers how many runs there were and how many at once. */
function countingJob(): ScheduledJob & { runs: number; mostAtOnce: number } {
  let running = 0;
  const job = {
    name: 'counting',
    runs: 0,
    mostAtOnce: 0,
    async run() {
      running += 1;
      job.runs += 1;
      job.mostAtOnce = Math.max(job.mostAtOnce, running);
      await new Promise((resolve) => setTimeout(resolve, 50));
      running -= 1;
    },
  };
  return job;
}

describe('scheduled jobs with several processes on one database', () => {
  it('when two schedulers run their round together, then the jobs run once per round, in one of them', async () => {
    const clock = new TestClock();
    const [a, b] = await twoApps(clock);
    const job = countingJob();
    const rounds = [startScheduledJobs(a.ctx, INTERVAL_MINUTES, [job]), startScheduledJobs(b.ctx, INTERVAL_MINUTES, [job])];
    // Their timers stop before the first fires: the rounds are driven here, on the test's clock.
    for (const scheduler of rounds) scheduler.stop();
    const ranBy: boolean[][] = [];
    for (let round = 1; round <= 3; round += 1) {
      ranBy.push(await Promise.all(rounds.map((scheduler) => scheduler.runOnce())));
      expect(job.runs).toBe(round);
      clock.advance(INTERVAL_MINUTES * 60_000);
    }
    expect(job.mostAtOnce).toBe(1);
    for (const ran of ranBy) expect(ran.filter(Boolean)).toHaveLength(1);
  });

  it('when the other process ran the jobs less than half an interval ago, then this one leaves its round out', async () => {
    const clock = new TestClock();
    const [a, b] = await twoApps(clock);
    const job = countingJob();
    const [first, second] = [startScheduledJobs(a.ctx, INTERVAL_MINUTES, [job]), startScheduledJobs(b.ctx, INTERVAL_MINUTES, [job])];
    first.stop();
    second.stop();
    expect(await first.runOnce()).toBe(true);
    clock.advance(20 * 60_000);
    expect(await second.runOnce()).toBe(false);
    clock.advance(15 * 60_000);
    expect(await second.runOnce()).toBe(true);
    expect(job.runs).toBe(2);
  });
});

import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../server/config.js';
import { signatures } from '../../server/db/schema.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { buildTestApp } from '../helpers/app.js';
import { TestClock } from '../helpers/clock.js';
import { buildLetter, buildSignature } from '../helpers/factories.js';
import { waitFor } from '../helpers/wait.js';

const DAY = 24 * 60 * 60 * 1000;
let running: RunningServer | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

/** A database with one stale unconfirmed signature and one due a reminder, at the clock's time. */
async function seededConfig(env: Record<string, string>, clock: TestClock): Promise<Config> {
  const t = await buildTestApp({ env, clock });
  const letter = await buildLetter(t.ctx);
  await buildSignature(t.ctx, letter, { email: 'stale@example.org', signedAt: new Date(clock.now().getTime() - 40 * DAY) });
  await buildSignature(t.ctx, letter, { email: 'remind@example.org', signedAt: new Date(clock.now().getTime() - 3 * DAY) });
  await t.close();
  return t.config;
}

describe('scheduled jobs in the server', () => {
  it('when the server starts, then reminders and the privacy jobs run once straight away', async () => {
    const clock = new TestClock();
    const config = await seededConfig({ PORT: '0', JOBS_INTERVAL_MINUTES: '60' }, clock);
    running = await startServer(config, pino({ level: 'silent' }), { now: clock.now });
    const server = running;
    const emails = () => server.database.select({ email: signatures.email, reminded: signatures.reminderSentAt }).from(signatures);
    await waitFor(async () => (await emails()).length === 1);
    expect(await emails()).toEqual([{ email: 'remind@example.org', reminded: clock.now() }]);
  });

  it('when JOBS_INTERVAL_MINUTES is 0, then the server never runs them', async () => {
    const clock = new TestClock();
    const config = await seededConfig({ PORT: '0', JOBS_INTERVAL_MINUTES: '0' }, clock);
    running = await startServer(config, pino({ level: 'silent' }), { now: clock.now });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await running.database.select().from(signatures)).toHaveLength(2);
    await running.jobs.runOnce();
    expect(await running.database.select().from(signatures)).toHaveLength(1);
  });
});

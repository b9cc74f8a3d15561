import { freshDatabasePath } from '../lib/datasets.js';
import { startApp } from '../lib/processes.js';
import { inspectDatabase, signingLoad, sleep, verdict } from './lib.js';

/** SIGTERM under load: requests in flight complete, nothing answers 5xx, and the process exits 0. */
export async function sigtermDrill(): Promise<boolean> {
  const databasePath = freshDatabasePath();
  const app = await startApp(databasePath);
  let stopping = false;
  let refusedAfterStop = 0;
  const load = signingLoad(() => app.url, { concurrency: 20, stop: () => stopping && ++refusedAfterStop > 50 });
  await sleep(3000);
  const terminated = Date.now();
  const exit = app.stop('SIGTERM');
  stopping = true;
  const code = await exit;
  const outcome = await load;
  const state = await inspectDatabase(databasePath);
  const lost = outcome.accepted.filter((email) => !state.emails.has(email)).length;
  const serverErrors = Object.entries(outcome.statuses).filter(([status]) => status.startsWith('5')).reduce((sum, [, n]) => sum + n, 0);
  return verdict('sigterm', code === 0 && serverErrors === 0 && lost === 0 && state.integrity === 'ok', {
    exitCode: code,
    exitMs: Date.now() - terminated,
    answered303: outcome.accepted.length,
    lost,
    serverErrors,
    statuses: outcome.statuses,
  });
}

import { startSmtpPeer } from '../../test/helpers/smtp.js';
import { freshDatabasePath } from '../lib/datasets.js';
import { startApp, type RunningProcess } from '../lib/processes.js';
import { inspectDatabase, signingLoad, verdict, waitFor, sleep } from './lib.js';

/** SIGKILL mid-load, restart: every answered signature is stored, the file is sound, pending mail goes out. */
export async function sigkillDrill(): Promise<boolean> {
  const seconds = Number(process.env.DRILL_LOAD_SECONDS ?? 30);
  const peer = await startSmtpPeer();
  const databasePath = freshDatabasePath();
  const env = { SMTP_URL: peer.url };
  let app: RunningProcess = await startApp(databasePath, env);
  const started = Date.now();
  const load = signingLoad(() => app.url, { concurrency: 10, stop: () => Date.now() - started > seconds * 1000 });
  await sleep((seconds * 1000) / 2);
  app.child.kill('SIGKILL');
  await new Promise((resolve) => app.child.once('exit', resolve));
  app = await startApp(databasePath, env);
  const outcome = await load;
  // Rows caught mid-send by the kill are retried once their two-minute lock lapses.
  const drained = await waitFor(async () => {
    const { outbox } = await inspectDatabase(databasePath);
    return !outbox.queued && !outbox.sending;
  }, 4 * 60_000, 1000);
  await app.stop();
  await peer.close();
  const state = await inspectDatabase(databasePath);
  const lost = outcome.accepted.filter((email) => !state.emails.has(email)).length;
  return verdict('sigkill', lost === 0 && state.integrity === 'ok' && drained && !outcome.statuses['500'], {
    answered303: outcome.accepted.length,
    lost,
    integrity: state.integrity,
    outbox: state.outbox,
    delivered: peer.messages.length,
    unanswered: outcome.unanswered,
    statuses: outcome.statuses,
  });
}

import { startSmtpPeer } from '../../test/helpers/smtp.js';
import { freshDatabasePath } from '../lib/datasets.js';
import { freePort, startApp } from '../lib/processes.js';
import { inspectDatabase, signingLoad, verdict, waitFor, sleep } from './lib.js';

/** The mail server is down while 1,000 people sign, and back after a minute: every mail arrives exactly once. */
export async function smtpDownDrill(): Promise<boolean> {
  const signatures = Number(process.env.DRILL_SIGNATURES ?? 1000);
  const outageMs = Number(process.env.DRILL_OUTAGE_SECONDS ?? 60) * 1000;
  const smtpPort = await freePort();
  const databasePath = freshDatabasePath();
  const app = await startApp(databasePath, { SMTP_URL: `smtp://127.0.0.1:${smtpPort}` });
  const outageStarted = Date.now();
  let sent = 0;
  const outcome = await signingLoad(() => app.url, { concurrency: 10, stop: () => sent++ >= signatures });
  const remaining = outageMs - (Date.now() - outageStarted);
  if (remaining > 0) await sleep(remaining);
  const peer = await startSmtpPeer(smtpPort);
  const delivered = await waitFor(() => peer.messages.length >= outcome.accepted.length, 10 * 60_000, 1000);
  await sleep(3000); // a duplicate would show up here
  await app.stop();
  await peer.close();
  const recipients = peer.messages.map((mail) => (mail.to && 'text' in mail.to ? mail.to.text : ''));
  const unique = new Set(recipients);
  const missing = outcome.accepted.filter((email) => !unique.has(email)).length;
  const state = await inspectDatabase(databasePath);
  return verdict('smtp-down', delivered && missing === 0 && unique.size === recipients.length && recipients.length === outcome.accepted.length, {
    signed: outcome.accepted.length,
    delivered: recipients.length,
    duplicates: recipients.length - unique.size,
    missing,
    outbox: state.outbox,
  });
}

import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { signingLoad, sleep, waitFor } from '../drills/lib.js';
import { freshDatabasePath } from '../lib/datasets.js';
import { startApp } from '../lib/processes.js';
import type { Row } from '../lib/report.js';

/** A real SMTP server (smtp-server) that notes when each recipient's mail arrived, without parsing it. */
async function arrivalRecorder() {
  const arrivals = new Map<string, number[]>();
  let open = 0;
  let peakConnections = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    // No DNS here: a reverse lookup of 127.0.0.1 would wait for the resolver to time out before
    // every greeting. A production relay resolves it at once.
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        const at = performance.now();
        for (const rcpt of session.envelope.rcptTo) arrivals.set(rcpt.address, [...(arrivals.get(rcpt.address) ?? []), at]);
        callback();
      });
    },
  });
  server.server.on('connection', (socket) => {
    open += 1;
    peakConnections = Math.max(peakConnections, open);
    socket.once('close', () => (open -= 1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, arrivals, peakConnections: () => peakConnections, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/**
 * A signing surge with mail delivered for real: MAIL_SURGE_CONCURRENCY (20) signers at the highest
 * rate the server takes for MAIL_SURGE_SECONDS (30), each confirmation mail sent over SMTP to a real
 * server on loopback.
 * Reports signatures per second and the time from each 303 to its mail's arrival.
 */
export async function mailSurge(): Promise<Row[]> {
  const seconds = Number(process.env.MAIL_SURGE_SECONDS ?? 30);
  const concurrency = Number(process.env.MAIL_SURGE_CONCURRENCY ?? 20);
  const peer = await arrivalRecorder();
  const app = await startApp(freshDatabasePath(), { SMTP_URL: peer.url });
  const answered = new Map<string, number>();
  const started = performance.now();
  const outcome = await signingLoad(() => app.url, {
    concurrency,
    stop: () => performance.now() - started > seconds * 1000,
    onAccepted: (email, at) => answered.set(email, at),
  });
  const loadSeconds = (performance.now() - started) / 1000;
  const loadEnded = performance.now();
  const delivered = await waitFor(() => [...answered.keys()].every((email) => peer.arrivals.has(email)), 10 * 60_000, 200);
  const drainSeconds = (performance.now() - loadEnded) / 1000;
  await sleep(3000); // a duplicate would show up here
  await app.stop();
  await peer.close();

  const lags = [...answered].flatMap(([email, at]) => (peer.arrivals.get(email) ?? []).slice(0, 1).map((arrived) => (arrived - at) / 1000)).sort((a, b) => a - b);
  const duplicates = [...peer.arrivals.values()].reduce((sum, times) => sum + times.length - 1, 0);
  const missing = [...answered.keys()].filter((email) => !peer.arrivals.has(email)).length;
  const note = `(${answered.size} answered 303 in ${loadSeconds.toFixed(1)} s; ${lags.length} mails arrived, ${missing} missing, ${duplicates} duplicates; other statuses ${JSON.stringify(Object.fromEntries(Object.entries(outcome.statuses).filter(([status]) => status !== '303')))}; ${peer.peakConnections()} SMTP connections at most${delivered ? '' : '; NOT ALL DELIVERED'})`;
  return [
    { scenario: 'mail surge', metric: `signatures/s (${concurrency} concurrent signers)`, value: answered.size / loadSeconds, unit: 'sig/s' },
    { scenario: 'mail surge', metric: '303 to mail arrival, p50', value: percentile(lags, 50), unit: 's' },
    { scenario: 'mail surge', metric: '303 to mail arrival, p99', value: percentile(lags, 99), unit: 's', target: { op: '<', value: 30 } },
    { scenario: 'mail surge', metric: '303 to mail arrival, max', value: lags.at(-1) ?? Number.NaN, unit: 's' },
    { scenario: 'mail surge', metric: 'outbox drained after the surge in', value: drainSeconds, unit: 's' },
    { scenario: 'mail surge', metric: 'mails not delivered exactly once', value: missing + duplicates, unit: 'mails', target: { op: '<', value: 1 }, note },
  ];
}

import Database from 'better-sqlite3';
import { BENCH_LETTER, freshDatabasePath } from '../lib/datasets.js';
import { load } from '../lib/load.js';
import { startApp } from '../lib/processes.js';
import type { Row } from '../lib/report.js';
import { FORM, signBody, type Baseline } from './baseline.js';

/** POST sign on a fresh database (each 303 includes the signature row and its outbox row), then confirm POSTs with the tokens that mail carried. */
export async function signAndConfirm(baseline: Baseline): Promise<Row[]> {
  const databasePath = freshDatabasePath();
  let app = await startApp(databasePath);
  const sign = await load({ url: `${app.url}/letters/${BENCH_LETTER}/signatures`, method: 'POST', headers: FORM, body: signBody, expect: [303] });
  await app.stop();

  const db = new Database(databasePath, { readonly: true });
  const stored = (db.prepare("SELECT count(*) AS n FROM signatures WHERE email LIKE 'bench.%'").get() as { n: number }).n;
  const outbox = (db.prepare("SELECT count(*) AS n FROM outbox WHERE kind = 'confirm-signature'").get() as { n: number }).n;
  const tokens = (db.prepare("SELECT text_body AS body FROM outbox WHERE kind = 'confirm-signature'").all() as Array<{ body: string }>).map((row) => row.body.match(/\/signatures\/confirm\/([\w-]+)/)?.[1] ?? '');
  db.close();

  app = await startApp(databasePath);
  let next = 0;
  const confirm = await load({ url: app.url, method: 'POST', path: () => `/signatures/confirm/${tokens[next++ % tokens.length]}`, headers: FORM, body: () => '' });
  await app.stop();

  const accepted = sign.statusCounts['303'] ?? 0;
  return [
    { scenario: 'sign', metric: 'POST sign req/s', value: sign.requestsPerSecond, unit: 'req/s' },
    { scenario: 'sign', metric: 'POST sign p50 latency', value: sign.p50Ms, unit: 'ms' },
    { scenario: 'sign', metric: 'POST sign p99 latency', value: sign.p99Ms, unit: 'ms' },
    { scenario: 'sign', metric: 'ratio to bare Express POST', value: sign.requestsPerSecond / baseline.post.requestsPerSecond, unit: '×', target: { op: '>=', value: 0.6 } },
    { scenario: 'sign', metric: 'signatures per minute', value: sign.requestsPerSecond * 60, unit: '/min' },
    // Requests still in flight when the load stops are stored but never counted as answered, so
    // stored may exceed answered; an answered 303 without its row would be a lost signature.
    { scenario: 'sign', metric: '303 answers without a stored row', value: Math.max(0, accepted - stored), unit: 'rows', target: { op: '<', value: 1 }, note: `(${accepted} answered 303, ${stored} stored, ${outbox} confirmation mails queued; errors ${sign.errors}, other statuses ${sign.non2xx})` },
    { scenario: 'confirm', metric: 'POST confirm req/s', value: confirm.requestsPerSecond, unit: 'req/s', note: `(${Math.min(tokens.length, confirm.total)} distinct tokens; repeats are idempotent)` },
    { scenario: 'confirm', metric: 'POST confirm p99 latency', value: confirm.p99Ms, unit: 'ms' },
  ];
}

import { count, eq, like } from 'drizzle-orm';
import { openDatabase } from '../../server/db/client.js';
import { first } from '../../server/db/database.js';
import { outbox, signatures } from '../../server/db/schema.js';
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

  const db = openDatabase({ databasePath, databaseUrl: undefined, databasePoolSize: 1 });
  const stored = (await first(db.select({ n: count() }).from(signatures).where(like(signatures.email, 'bench.%'))))?.n ?? 0;
  const confirmationMails = await db.select({ content: outbox.content }).from(outbox).where(eq(outbox.kind, 'confirm-signature'));
  const queued = confirmationMails.length;
  const tokens = confirmationMails.map((row) => row.content?.match(/\/signatures\/confirm\/([\w-]+)/)?.[1] ?? '');
  await db.close();

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
    { scenario: 'sign', metric: '303 answers without a stored row', value: Math.max(0, accepted - stored), unit: 'rows', target: { op: '<', value: 1 }, note: `(${accepted} answered 303, ${stored} stored, ${queued} confirmation mails queued; errors ${sign.errors}, other statuses ${sign.non2xx})` },
    { scenario: 'confirm', metric: 'POST confirm req/s', value: confirm.requestsPerSecond, unit: 'req/s', note: `(${Math.min(tokens.length, confirm.total)} distinct tokens; repeats are idempotent)` },
    { scenario: 'confirm', metric: 'POST confirm p99 latency', value: confirm.p99Ms, unit: 'ms' },
  ];
}

import { execFileSync } from 'node:child_process';
import { BENCH_LETTER, seededDatabase } from '../lib/datasets.js';
import { load } from '../lib/load.js';
import { benchEnv, CLI_ENTRY, startApp } from '../lib/processes.js';
import type { Row } from '../lib/report.js';
import type { Baseline } from './baseline.js';

export const SCALE = Number(process.env.BENCH_SIGNATURES ?? 1_000_000);

/** The pages a surge hits, on a letter with a million signatures. */
export async function pagesAtScale(baseline: Baseline): Promise<Row[]> {
  const database = seededDatabase(SCALE);
  const app = await startApp(database);
  try {
    const session = await organiserSession(database, app.url);
    const insights = await load({ url: `${app.url}/admin/letters/${BENCH_LETTER}/insights`, headers: { cookie: session } });
    if (insights.non2xx > 0) throw new Error(`the insights page answered ${JSON.stringify(insights.statusCounts)}`);
    const letter = await load({ url: `${app.url}/letters/${BENCH_LETTER}` });
    const list = await load({ url: `${app.url}/letters/${BENCH_LETTER}/signatories` });
    const deepPath = await pathAtDepth(app.url, 10_000);
    const deep = await load({ url: `${app.url}${deepPath}` });
    const scale = `(${SCALE.toLocaleString('en-GB')} signatures)`;
    return [
      { scenario: 'letter page', metric: 'GET req/s', value: letter.requestsPerSecond, unit: 'req/s', note: scale },
      { scenario: 'letter page', metric: 'ratio to bare Express GET', value: letter.requestsPerSecond / baseline.get.requestsPerSecond, unit: '×', target: { op: '>=', value: 0.7 } },
      { scenario: 'public list', metric: 'first page GET req/s', value: list.requestsPerSecond, unit: 'req/s', note: scale },
      { scenario: 'public list', metric: 'first page ratio to bare Express GET', value: list.requestsPerSecond / baseline.get.requestsPerSecond, unit: '×', target: { op: '>=', value: 0.7 } },
      { scenario: 'public list', metric: '10,000 rows deep req/s', value: deep.requestsPerSecond, unit: 'req/s' },
      { scenario: 'public list', metric: '10,000 deep vs first page', value: deep.requestsPerSecond / list.requestsPerSecond, unit: '×', target: { op: '>=', value: 0.9 } },
      // An organiser page, read from kept figures: its speed must not depend on the letter's size.
      { scenario: 'insights page', metric: 'GET req/s (signed in)', value: insights.requestsPerSecond, unit: 'req/s', note: scale },
      { scenario: 'insights page', metric: 'ratio to bare Express GET', value: insights.requestsPerSecond / baseline.get.requestsPerSecond, unit: '×' },
    ];
  } finally {
    await app.stop();
  }
}

/** Follows the list's rel="next" links until `rows` names have gone by, as a reader paging would. */
export async function pathAtDepth(base: string, rows: number): Promise<string> {
  let path = `/letters/${BENCH_LETTER}/signatories`;
  let seen = 0;
  while (seen < rows) {
    const html = await (await fetch(`${base}${path}`)).text();
    const onPage = (html.match(/data-signatory-id=/g) ?? html.match(/<li class="signatory/g) ?? []).length;
    const next = html.match(/<a[^>]*rel="next"[^>]*href="([^"]+)"/)?.[1] ?? html.match(/<a[^>]*href="([^"]+)"[^>]*rel="next"/)?.[1];
    if (!next || onPage === 0) throw new Error(`the list ended after ${seen} rows`);
    seen += onPage;
    path = next.replace(/&amp;/g, '&');
  }
  return path;
}

/** A viewer added with the CLI and signed in through the login form: the session cookie to send. */
export async function organiserSession(databasePath: string, base: string): Promise<string> {
  const email = `bench-${Date.now()}@organisers.example`;
  const password = 'a benchmark password that is long enough';
  execFileSync(process.execPath, [CLI_ENTRY, 'organiser', 'add', '--email', email, '--name', 'Bench viewer', '--role', 'viewer'], { env: benchEnv(databasePath), input: `${password}\n`, stdio: ['pipe', 'ignore', 'inherit'] });
  const response = await fetch(`${base}/admin/login`, { method: 'POST', body: new URLSearchParams({ email, password }), redirect: 'manual' });
  const cookie = response.headers.getSetCookie().find((value) => value.startsWith('undersigned_session='));
  if (response.status !== 303 || !cookie) throw new Error(`signing in for the insights page answered ${response.status}`);
  return cookie.split(';')[0]!;
}

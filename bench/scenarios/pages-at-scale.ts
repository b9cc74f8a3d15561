import { BENCH_LETTER, seededDatabase } from '../lib/datasets.js';
import { load } from '../lib/load.js';
import { startApp } from '../lib/processes.js';
import type { Row } from '../lib/report.js';
import type { Baseline } from './baseline.js';

export const SCALE = Number(process.env.BENCH_SIGNATURES ?? 1_000_000);

/** The pages a surge hits, on a letter with a million signatures. */
export async function pagesAtScale(baseline: Baseline): Promise<Row[]> {
  const app = await startApp(seededDatabase(SCALE));
  try {
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

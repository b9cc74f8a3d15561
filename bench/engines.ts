/**
 * `npm run bench:engines`: signing and reading on SQLite (1 process), PostgreSQL (1 process) and
 * PostgreSQL (2 processes on one database), with the bare Express baseline, all in one run.
 * Prints the table and adds it as a dated section to bench/RESULTS.md.
 */
import { measureBaseline } from './scenarios/baseline.js';
import { engineCases, pagesOn, signOn, type Measurement } from './scenarios/engines.js';
import { SCALE } from './scenarios/pages-at-scale.js';
import { seededDatabase } from './lib/datasets.js';
import { startBenchPostgres } from './lib/postgres.js';
import { appendResultsSection, formatNumber } from './lib/report.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const postgres = await startBenchPostgres();
try {
  // Both engines' seeded data first, so no measurement waits for (or runs beside) a seeding.
  seededDatabase(SCALE);
  await postgres.prepare(SCALE);
  console.error('measuring the bare Express baseline…');
  const before = await measureBaseline();
  const measurements: Measurement[] = [];
  for (const engineCase of engineCases(postgres)) {
    console.error(`${engineCase.name}: signing…`);
    measurements.push(await signOn(engineCase));
    console.error(`${engineCase.name}: pages…`);
    measurements.push(...(await pagesOn(engineCase)));
  }
  // The machine is shared: the baseline again at the end, and the ratios against the mean of both.
  const after = await measureBaseline();
  const mean = { get: (before.get.requestsPerSecond + after.get.requestsPerSecond) / 2, post: (before.post.requestsPerSecond + after.post.requestsPerSecond) / 2 };
  const table = [
    `Bare Express (one process), before and after the cases: GET ${formatNumber(before.get.requestsPerSecond)} and ${formatNumber(after.get.requestsPerSecond)} req/s, POST ${formatNumber(before.post.requestsPerSecond)} and ${formatNumber(after.post.requestsPerSecond)} req/s; ratios are to the mean of the two. Reading on ${SCALE.toLocaleString('en-GB')} seeded signatures.`,
    '',
    '| case | request | req/s | p50 | p99 | × bare Express | errors, other statuses | |',
    '|---|---|---:|---:|---:|---:|---|---|',
    ...measurements.map(
      (m) =>
        `| ${m.case} | ${m.what} | ${formatNumber(m.result.requestsPerSecond)} | ${m.result.p50Ms} ms | ${m.result.p99Ms} ms | ${(m.result.requestsPerSecond / (m.method === 'POST' ? mean.post : mean.get)).toFixed(2)} | ${m.result.errors}, ${m.result.non2xx} | ${m.note ?? ''} |`,
    ),
  ];
  console.log(table.join('\n'));
  appendResultsSection('SQLite and PostgreSQL, 1 and 2 processes (`npm run bench:engines`)', table, { baseline: { before, after }, measurements }, seconds, 'engines-');
} finally {
  await postgres.stop();
}

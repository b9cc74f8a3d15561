/**
 * `npm run bench:processes`: signing and the letter page with WEB_CONCURRENCY=1 and 2 (one
 * `npm start`, node's cluster sharing one port) on SQLite, then on PostgreSQL (unless
 * BENCH_POSTGRES=no), with the bare Express baseline, all in one run. Prints the table and adds it
 * as a dated section to bench/RESULTS.md.
 */
import { seededDatabase } from './lib/datasets.js';
import { startBenchPostgres } from './lib/postgres.js';
import { appendResultsSection } from './lib/report.js';
import { measureCases } from './scenarios/engines.js';
import { SCALE } from './scenarios/pages-at-scale.js';
import { POSTGRES_SCALE, processCases } from './scenarios/processes.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const postgres = process.env.BENCH_POSTGRES === 'no' ? undefined : await startBenchPostgres();
try {
  // The seeded data first, so no measurement waits for (or runs beside) a seeding.
  seededDatabase(SCALE);
  await postgres?.prepare(POSTGRES_SCALE);
  const scale = `The letter page on ${SCALE.toLocaleString('en-GB')} seeded signatures (SQLite)${postgres ? ` and ${POSTGRES_SCALE.toLocaleString('en-GB')} (PostgreSQL)` : ''}.`;
  const { data, table } = await measureCases(processCases(postgres), 'letter', scale);
  console.log(table.join('\n'));
  appendResultsSection('Several processes (WEB_CONCURRENCY, `npm run bench:processes`)', table, data, seconds, 'processes-');
} finally {
  await postgres?.stop();
}

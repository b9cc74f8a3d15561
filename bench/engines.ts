/**
 * `npm run bench:engines`: signing and reading on SQLite (1 process), PostgreSQL (1 process) and
 * PostgreSQL (2 processes on one database), with the bare Express baseline, all in one run.
 * Prints the table and adds it as a dated section to bench/RESULTS.md.
 */
import { engineCases, measureCases } from './scenarios/engines.js';
import { SCALE } from './scenarios/pages-at-scale.js';
import { seededDatabase } from './lib/datasets.js';
import { startBenchPostgres } from './lib/postgres.js';
import { appendResultsSection } from './lib/report.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const postgres = await startBenchPostgres();
try {
  // Both engines' seeded data first, so no measurement waits for (or runs beside) a seeding.
  seededDatabase(SCALE);
  await postgres.prepare(SCALE);
  const { data, table } = await measureCases(engineCases(postgres), 'all', `Reading on ${SCALE.toLocaleString('en-GB')} seeded signatures.`);
  console.log(table.join('\n'));
  appendResultsSection('SQLite and PostgreSQL, 1 and 2 processes (`npm run bench:engines`)', table, data, seconds, 'engines-');
} finally {
  await postgres.stop();
}

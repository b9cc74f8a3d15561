/**
 * `npm run bench [scenario…]`: scenarios are sign, pages, export, startup, mail (all by default).
 * Needs `npm run build` first (the package script does it).
 */
import { measureBaseline } from './scenarios/baseline.js';
import { exportAtScale, startupAtScale } from './scenarios/export-and-startup.js';
import { mailSurge } from './scenarios/mail-surge.js';
import { pagesAtScale } from './scenarios/pages-at-scale.js';
import { signAndConfirm } from './scenarios/sign-and-confirm.js';
import { printRows, writeResults, type Row } from './lib/report.js';

const SCENARIOS = { sign: signAndConfirm, pages: pagesAtScale, export: exportAtScale, startup: startupAtScale, mail: mailSurge } as const;
type Name = keyof typeof SCENARIOS;

const requested = process.argv.slice(2).filter((arg): arg is Name => arg in SCENARIOS);
const names: Name[] = requested.length > 0 ? requested : (Object.keys(SCENARIOS) as Name[]);

const baseline = await measureBaseline();
const rows: Row[] = [
  { scenario: 'baseline', metric: 'bare Express GET req/s', value: baseline.get.requestsPerSecond, unit: 'req/s' },
  { scenario: 'baseline', metric: 'bare Express POST req/s', value: baseline.post.requestsPerSecond, unit: 'req/s' },
];
for (const name of names) {
  console.error(`running ${name}…`);
  const result = await SCENARIOS[name](baseline);
  printRows(result);
  rows.push(...result);
}
writeResults(rows, Number(process.env.BENCH_SECONDS ?? 10));
printRows(rows);

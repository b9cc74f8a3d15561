import { spawn } from 'node:child_process';
import { BENCH_LETTER, seededDatabase } from '../lib/datasets.js';
import { benchEnv, CLI_ENTRY, peakRssMb, startApp } from '../lib/processes.js';
import type { Row } from '../lib/report.js';
import { SCALE } from './pages-at-scale.js';

/** The organiser's CSV of every signature, through the CLI, to /dev/null. */
export async function exportAtScale(): Promise<Row[]> {
  const databasePath = seededDatabase(SCALE);
  const started = performance.now();
  const child = spawn(process.execPath, [CLI_ENTRY, 'export', BENCH_LETTER, '--output', '/dev/null'], { env: benchEnv(databasePath), stdio: ['ignore', 'ignore', 'inherit'] });
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, peakRssMb(child.pid));
  }, 20);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`export exited with ${code}`);
  return [
    { scenario: 'CSV export', metric: `rows/s (${SCALE.toLocaleString('en-GB')} rows)`, value: SCALE / seconds, unit: 'rows/s', target: { op: '>=', value: 200_000 } },
    { scenario: 'CSV export', metric: 'peak RSS', value: peak, unit: 'MB', target: { op: '<', value: 200 } },
  ];
}

/** From spawn to the first answered request, on a database that already holds a million signatures. */
export async function startupAtScale(): Promise<Row[]> {
  const databasePath = seededDatabase(SCALE);
  const runs: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const app = await startApp(databasePath);
    runs.push(app.startupMs);
    await app.stop();
  }
  const best = Math.min(...runs);
  return [{ scenario: 'start-up', metric: `spawn to first answer (best of 3)`, value: best / 1000, unit: 's', target: { op: '<', value: 1 }, note: `(runs: ${runs.map((ms) => (ms / 1000).toFixed(2)).join(', ')} s)` }];
}

import { cpus, loadavg, totalmem } from 'node:os';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './processes.js';

export interface Row {
  scenario: string;
  metric: string;
  value: number;
  unit: string;
  /** The target this value is judged against, if any. */
  target?: { op: '>=' | '<'; value: number };
  note?: string;
}

export const met = (row: Row): string => (!row.target ? '' : (row.target.op === '>=' ? row.value >= row.target.value : row.value < row.target.value) ? 'met' : 'MISSED');

export function machine() {
  const cpu = cpus();
  return { cores: cpu.length, cpu: cpu[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version };
}

const format = (value: number): string => (Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-GB') : value.toFixed(2));

/** Writes bench/results/<prefix><stamp>.json with the run's date, machine and data; returns the date and machine for the report. */
function writeJson(data: object, seconds: number, prefix = ''): { date: string; info: ReturnType<typeof machine> } {
  const date = new Date().toISOString();
  const info = machine();
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', `${prefix}${date.replace(/[:.]/g, '-')}.json`), `${JSON.stringify({ date, machine: info, seconds, ...data }, null, 2)}\n`);
  return { date, info };
}

const conditions = (date: string, info: ReturnType<typeof machine>, seconds: number): string[] => [
  `Run ${date.slice(0, 16).replace('T', ' ')} UTC on ${info.cores} cores (${info.cpu}), ${info.memoryGb} GiB, Node ${info.node}.`,
  `Load from autocannon on loopback (${seconds} s per measurement), server and load generator sharing the same cores; the machine's load average at the end was ${loadavg().map((n) => n.toFixed(1)).join(', ')} (1, 5, 15 min).`,
];

/** Writes bench/results/<stamp>.json and replaces bench/RESULTS.md with a table of this run. */
export function writeResults(rows: Row[], seconds: number): void {
  const { date, info } = writeJson({ rows }, seconds);
  const lines = [
    '# Benchmark results',
    '',
    ...conditions(date, info, seconds),
    'Ratios compare with a bare Express 5 app doing the same body parsing, measured in the same run.',
    '',
    '| scenario | metric | value | target | |',
    '|---|---|---:|---|---|',
    ...rows.map((row) => `| ${row.scenario} | ${row.metric} | ${format(row.value)} ${row.unit} | ${row.target ? `${row.target.op} ${row.target.value}` : ''} | ${met(row)}${row.note ? ` ${row.note}` : ''} |`),
    '',
  ];
  writeFileSync(join(ROOT, 'bench', 'RESULTS.md'), lines.join('\n'));
}

export function printRows(rows: Row[]): void {
  for (const row of rows) console.log(`${row.scenario.padEnd(16)} ${row.metric.padEnd(34)} ${format(row.value).padStart(12)} ${row.unit.padEnd(8)} ${met(row)}`);
}

/**
 * Writes bench/results/<prefix><stamp>.json and adds a dated section to the end of
 * bench/RESULTS.md (the file's other sections, and the reading of them, stay).
 */
export function appendResultsSection(title: string, table: string[], data: object, seconds: number, prefix: string): void {
  const { date, info } = writeJson(data, seconds, prefix);
  appendFileSync(join(ROOT, 'bench', 'RESULTS.md'), ['', `## ${title} (${date.slice(0, 10)})`, '', ...conditions(date, info, seconds), '', ...table, ''].join('\n'));
}

export { format as formatNumber };

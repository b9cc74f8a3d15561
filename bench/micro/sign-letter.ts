/**
 * In-process cost of the signing use case (no HTTP): a quick before/after check when optimising,
 * less disturbed by a busy machine than a load test. `tsx bench/micro/sign-letter.ts [N]`
 */
import pino from 'pino';
import { createApp } from '../../server/app.js';
import { ABUSE_LIMITS_OFF, loadConfig } from '../../server/config.js';
import { openMigratedDatabase } from '../../server/db/client.js';
import { DEMO_LETTER, seedDemoLetterIfEmpty } from '../../server/letters/demo-letter.js';
import { findPublicLetter } from '../../server/letters/index.js';
import { signForm } from '../../server/signatures/forms.js';
import { signLetter } from '../../server/signatures/sign-letter.js';
import { freshDatabasePath } from '../lib/datasets.js';

const count = Number(process.argv[2] ?? 5000);
const config = loadConfig({ NODE_ENV: 'test', DATABASE_PATH: freshDatabasePath(), LOG_LEVEL: 'silent', ...ABUSE_LIMITS_OFF });
const database = await openMigratedDatabase(config);
await seedDemoLetterIfEmpty(database, new Date());
const { ctx } = createApp({ config, db: database, logger: pino({ level: 'silent' }) });
const client = { address: '127.0.0.1', ipHash: 'a'.repeat(64), ipNetwork: '127.0.0.0/24' };
const run = async (from: number, n: number) => {
  for (let i = from; i < from + n; i += 1) {
    const form = signForm.parse({ name: `Micro Signer ${i}`, email: `micro${i}@bench.example`, organisation: 'Northwind Silicon', title: 'Engineer', comment: 'Load.' });
    await signLetter(ctx, { letter: await findPublicLetter(ctx.db, DEMO_LETTER.slug), form, client });
  }
};
await run(0, 500);
const started = performance.now();
const cpu = process.cpuUsage();
await run(500, count);
const wallPerOp = (performance.now() - started) / count;
const cpuUsed = process.cpuUsage(cpu);
const cpuPerOp = (cpuUsed.user + cpuUsed.system) / 1000 / count;
// CPU time is what a busy shared machine disturbs least; wall time is what a signer waits.
console.log(`signLetter: ${(cpuPerOp * 1000).toFixed(0)} µs CPU, ${(wallPerOp * 1000).toFixed(0)} µs wall per signature`);
await database.close();

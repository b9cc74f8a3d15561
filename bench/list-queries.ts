/**
 * The public list's queries on a letter with BENCH_SIGNATURES (1,000,000) signatures, timed in
 * process (no HTTP): each is the median of several runs. Usage: npx tsx bench/list-queries.ts
 * The database is built in a temporary folder with the triggers on, as signing would build it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SYSTEM_ACTOR } from '../server/audit/record.js';
import { openMigratedDatabase } from '../server/db/client.js';
import { organisations, signatures } from '../server/db/schema.js';
import { createLetter } from '../server/letters/publish-version.js';
import { organisationKey } from '../server/organisations/normalise.js';
import { repairCounts } from '../server/signatures/counts-command.js';
import { allPublicSignatories, listFeaturedSignatories, listPublicSignatories, organisationBreakdown } from '../server/signatures/listed-signatures.js';

const total = Number(process.env.BENCH_SIGNATURES ?? 1_000_000);
const folder = mkdtempSync(join(tmpdir(), 'undersigned-bench-'));
// The database DATABASE_URL names (an empty PostgreSQL one), else a SQLite file in a temporary folder.
const db = await openMigratedDatabase({ databasePath: join(folder, 'bench.db'), databaseUrl: process.env.DATABASE_URL, databasePoolSize: 2 });
const now = new Date();
const letter = await db.write((tx) => createLetter(tx, { slug: 'bench', title: 'Bench', summary: '', body: 'Text', status: 'open' }, now));

const matched = Array.from({ length: 200 }, (_, i) => `Organisation ${i}`);
await db.write((tx) => tx.insert(organisations).values(matched.map((name) => ({ name, nameKey: organisationKey(name), createdAt: now }))));

const states = ['approved', 'approved', 'approved', 'approved', 'approved', 'approved', 'approved', 'approved', 'pending', 'rejected', 'unconfirmed', 'withdrawn'] as const;
let started = Date.now();
const seed = (from: number, to: number) =>
  db.write(async (tx) => {
    const rows = [];
    for (let i = from; i < to; i += 1) {
      // A few big organisations and a long tail, a fifth of them matched to an organisation.
      const rank = Math.floor(5000 * Math.random() ** 3);
      const text = rank < 200 && i % 5 === 0 ? `Organisation ${rank}` : `Org ${rank} Ltd`;
      const organisationId = text.startsWith('Organisation') ? rank + 1 : null;
      const email = `person${i}@org${rank}.example`;
      rows.push({
        letterId: letter.id, versionId: letter.currentVersionId ?? 0, name: `Person ${i}`, email, emailKey: email, emailDomain: `org${rank}.example`, title: 'Engineer',
        organisationText: text, organisationKey: organisationKey(text), organisationId, showPublic: i % 10 !== 0, state: states[i % states.length], featured: i % 40_000 === 1, signedAt: now,
      });
    }
    for (let at = 0; at < rows.length; at += 500) await tx.insert(signatures).values(rows.slice(at, at + 500));
  });
for (let from = 0; from < total; from += 50_000) await seed(from, Math.min(from + 50_000, total));
console.log(`seeded ${total} signatures in ${((Date.now() - started) / 1000).toFixed(1)} s (triggers on)`);

async function time(label: string, run: () => Promise<unknown>, runs = 7): Promise<void> {
  await run();
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = process.hrtime.bigint();
    await run();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  console.log(`${label.padEnd(44)} ${samples[Math.floor(runs / 2)]!.toFixed(2)} ms`);
}

const letterId = letter.id;
const deepCursor = (await listPublicSignatories(db, { letterId, limit: 1, cursor: Math.floor(total * 0.02) })).items[0]!.id;
await time('first page (100)', () => listPublicSignatories(db, { letterId, limit: 100 }));
await time('deep page (100, near the oldest)', () => listPublicSignatories(db, { letterId, limit: 100, cursor: deepCursor }));
await time('organisation filter, matched (100)', () => listPublicSignatories(db, { letterId, limit: 100, organisation: 'organisation 3' }));
await time('organisation filter, typed (100)', () => listPublicSignatories(db, { letterId, limit: 100, organisation: 'ORG 4000 LIMITED' }));
await time('featured (12)', () => listFeaturedSignatories(db, letterId));
await time('breakdown (top 10 + total)', () => organisationBreakdown(db, letterId));
await time('search q, common ("Person 9")', () => listPublicSignatories(db, { letterId, limit: 100, q: 'Person 9' }));
await time('search q, no match (one 20,000-row window)', () => listPublicSignatories(db, { letterId, limit: 100, q: 'zzz' }), 3);
started = Date.now();
let rows = 0;
for await (const _ of allPublicSignatories(db, { letterId })) rows += 1;
console.log(`all listed rows as the CSV reads them: ${rows} in ${Date.now() - started} ms (${Math.round(rows / ((Date.now() - started) / 1000))} rows/s)`);
started = Date.now();
const report = await repairCounts({ db, now: () => new Date() }, { actor: SYSTEM_ACTOR, dryRun: true });
console.log(`counts repair --dry-run: ${Date.now() - started} ms, ${report.drifted.length} drifted`);
await db.close();
rmSync(folder, { recursive: true, force: true });

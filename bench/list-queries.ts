/**
 * The public list's queries on a letter with BENCH_SIGNATURES (1,000,000) signatures, timed in
 * process (no HTTP): each is the median of several runs. Usage: npx tsx bench/list-queries.ts
 * The database is built in a temporary folder with the triggers on, as signing would build it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SYSTEM_ACTOR } from '../server/audit/record.js';
import { openDatabase } from '../server/db/client.js';
import { migrateDatabase } from '../server/db/migrate.js';
import { createLetter } from '../server/letters/publish-version.js';
import { organisationKey } from '../server/organisations/normalise.js';
import { repairCounts } from '../server/signatures/counts-command.js';
import { allPublicSignatories, listFeaturedSignatories, listPublicSignatories, organisationBreakdown } from '../server/signatures/listed-signatures.js';

const total = Number(process.env.BENCH_SIGNATURES ?? 1_000_000);
const folder = mkdtempSync(join(tmpdir(), 'undersigned-bench-'));
const handle = openDatabase(join(folder, 'bench.db'));
migrateDatabase(handle);
const { db, sqlite } = handle;
const now = new Date();
const letter = createLetter(db, { slug: 'bench', title: 'Bench', summary: '', body: 'Text', status: 'open' }, now);

const matched = Array.from({ length: 200 }, (_, i) => `Organisation ${i}`);
const insertOrganisation = sqlite.prepare('INSERT INTO organisations (name, name_key) VALUES (?, ?)');
for (const name of matched) insertOrganisation.run(name, organisationKey(name));

const insert = sqlite.prepare(`INSERT INTO signatures (letter_id, version_id, name, email, email_key, email_domain, title, organisation_text,
  organisation_key, organisation_id, show_public, state, featured, signed_at) VALUES (?, ?, ?, ?, ?, ?, 'Engineer', ?, ?, ?, ?, ?, ?, ?)`);
const states = ['approved', 'approved', 'approved', 'approved', 'approved', 'approved', 'approved', 'approved', 'pending', 'rejected', 'unconfirmed', 'withdrawn'];
let started = Date.now();
const seed = sqlite.transaction((from: number, to: number) => {
  for (let i = from; i < to; i += 1) {
    // A few big organisations and a long tail, a fifth of them matched to an organisation.
    const rank = Math.floor(5000 * Math.random() ** 3);
    const text = rank < 200 && i % 5 === 0 ? `Organisation ${rank}` : `Org ${rank} Ltd`;
    const organisationId = text.startsWith('Organisation') ? rank + 1 : null;
    const email = `person${i}@org${rank}.example`;
    insert.run(letter.id, letter.currentVersionId, `Person ${i}`, email, email, `org${rank}.example`, text, organisationKey(text), organisationId,
      i % 10 === 0 ? 0 : 1, states[i % states.length], i % 40_000 === 1 ? 1 : 0, now.getTime());
  }
});
for (let from = 0; from < total; from += 50_000) seed(from, Math.min(from + 50_000, total));
console.log(`seeded ${total} signatures in ${((Date.now() - started) / 1000).toFixed(1)} s (triggers on)`);

function time(label: string, run: () => unknown, runs = 7): void {
  run();
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = process.hrtime.bigint();
    run();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  console.log(`${label.padEnd(44)} ${samples[Math.floor(runs / 2)]!.toFixed(2)} ms`);
}

const letterId = letter.id;
const deepCursor = listPublicSignatories(db, { letterId, limit: 1, cursor: Math.floor(total * 0.02) }).items[0]!.id;
time('first page (100)', () => listPublicSignatories(db, { letterId, limit: 100 }));
time('deep page (100, near the oldest)', () => listPublicSignatories(db, { letterId, limit: 100, cursor: deepCursor }));
time('organisation filter, matched (100)', () => listPublicSignatories(db, { letterId, limit: 100, organisation: 'organisation 3' }));
time('organisation filter, typed (100)', () => listPublicSignatories(db, { letterId, limit: 100, organisation: 'ORG 4000 LIMITED' }));
time('featured (12)', () => listFeaturedSignatories(db, letterId));
time('breakdown (top 10 + total)', () => organisationBreakdown(db, letterId));
time('search q, common ("Person 9")', () => listPublicSignatories(db, { letterId, limit: 100, q: 'Person 9' }));
time('search q, no match (one 20,000-row window)', () => listPublicSignatories(db, { letterId, limit: 100, q: 'zzz' }), 3);
started = Date.now();
let rows = 0;
for (const _ of allPublicSignatories(db, { letterId })) rows += 1;
console.log(`all listed rows as the CSV reads them: ${rows} in ${Date.now() - started} ms (${Math.round(rows / ((Date.now() - started) / 1000))} rows/s)`);
started = Date.now();
const report = repairCounts({ db, now: () => new Date() }, { actor: SYSTEM_ACTOR, dryRun: true });
console.log(`counts repair --dry-run: ${Date.now() - started} ms, ${report.drifted.length} drifted`);
handle.close();
rmSync(folder, { recursive: true, force: true });

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { getTableConfig } from 'drizzle-orm/sqlite-core';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { applyBlock } from '../../server/abuse/block-rules.js';
import { startScheduledJobs } from '../../server/jobs/index.js';
import { SYSTEM_ACTOR } from '../../server/audit/index.js';
import { tablesInDependencyOrder } from '../../server/db/copy-tables.js';
import { openCopySource } from '../../server/db/copy-to-postgres.js';
import { assertCopyVerified, verifyCopy } from '../../server/db/copy-verify.js';
import { openPostgresDatabase } from '../../server/db/postgres-database.js';
import { createOrganisation } from '../../server/organisations/create-organisation.js';
import { repairCounts } from '../../server/signatures/counts-command.js';
import { addPartner, partnerForm } from '../../server/partners/index.js';
import { recordDelivery } from '../../server/dossier/delivery.js';
import { moderateSignatures } from '../../server/moderation/moderate-signatures.js';
import { draftUpdate, sendUpdate } from '../../server/updates/manage-updates.js';
import { fillUpdateOutbox } from '../../server/updates/index.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { runCliCommand } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';
import { buildLetter, buildSignature, postSignature, reloadLetter, signAndConfirm, signForm, signatureByEmail, tokenFromOutbox } from '../helpers/factories.js';
import { endorseAndConfirm, endorseFields } from '../helpers/endorsements.js';
import { loginAs } from '../helpers/organisers.js';
import { createTestPostgresDatabase, testPostgres, withDatabase } from '../helpers/postgres.js';

/**
 * `db copy` moves a SQLite database into PostgreSQL: SQLite to PostgreSQL by nature, so it runs in
 * the PostgreSQL lane alone (its server), with a real SQLite file seeded through the application.
 */

const ODD_NAME = 'Zoë "Zed" O\'Brien 🚀';
const ODD_COMMENT = "It's <b>\"quoted\"</b>; DROP TABLE signatures; -- ✊🏽 \u2028 next line\\n";

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});

/** The application on a fresh SQLite file, whatever the lane's engine (an empty DATABASE_URL is unset). */
async function sqliteApp(): Promise<TestApp> {
  const app = await buildTestApp({ env: { DATABASE_URL: '' } });
  opened.push(app);
  return app;
}

/** A SQLite database with rows in every table, made by the application's own use cases and forms; closed again, as before a move. */
async function seededSource(): Promise<{ path: string; slug: string; deletedSignatureId: number }> {
  const t = await sqliteApp();
  await loginAs(t, 'owner'); // organisers, sessions, audit_events
  // A failed sign-in is counted in rate_counters; a round of scheduled jobs is claimed in job_runs.
  await request(t.app).post('/admin/login').type('form').send({ email: 'nobody@example.org', password: 'wrong password!' });
  await startScheduledJobs(t.ctx, 0, []).runOnce();
  await createOrganisation(t.ctx, { name: 'Analytical Engines Ltd', aliases: ['AEL'], domains: ['example.org'], actor: SYSTEM_ACTOR });
  const letter = await buildLetter(t.ctx, { moderation: 'post', title: 'Sign “this” — 🚀' });
  await signAndConfirm(t, letter.slug, { name: ODD_NAME, comment: ODD_COMMENT, email: 'zoe@example.org' });
  // A partner of the letter (letter_partners) whose link a signer came through (signatures.source, the insights' kept figures).
  await addPartner(t.ctx, letter.slug, partnerForm.parse({ name: 'Partner News', ref: 'partner-news', origins: 'https://partner.example' }), SYSTEM_ACTOR);
  await signAndConfirm(t, letter.slug, { email: 'second@example.org', organisation: 'Another Org', ref: 'partner-news' });
  // The letter's delivery and the recipient's response (letter_deliveries).
  await recordDelivery(t.ctx, letter.slug, { recipient: 'The “Minister”', deliveredOn: '2026-11-02', deliveryNote: ODD_COMMENT, deliveryLink: '', responseOn: '2026-11-03', responseText: 'Noted.', responseLink: 'https://ministry.example/reply' }, SYSTEM_ACTOR);
  await buildSignature(t.ctx, letter, { state: 'approved', showPublic: false });
  // An organisation's endorsement with its confirm link (endorsements, endorsement_tokens).
  await endorseAndConfirm(t, letter.slug, endorseFields({ organisation: 'Analytical Engines Ltd', email: 'rep@example.org', statement: ODD_COMMENT }));
  await postSignature(t.app, letter.slug, signForm({ email: 'unconfirmed@example.org' })).expect(303);
  await buildSignature(t.ctx, letter, { state: 'pending' });
  await buildSignature(t.ctx, letter, { state: 'withdrawn', withdrawnAt: t.clock.now() });
  // A rule made from a signer's address hash on another letter: block_rules and block_rule_signatures.
  const other = await buildLetter(t.ctx);
  const blocked = await buildSignature(t.ctx, other, { state: 'approved', ipHash: 'ab'.repeat(32) });
  await applyBlock(t.ctx, { letterId: other.id, kind: 'ip_hash', value: blocked.ipHash!, actor: SYSTEM_ACTOR });
  // A sent update (letter_updates, update_deliveries) and a listed signer's change waiting for a moderator (signature_edits).
  await buildSignature(t.ctx, letter, { state: 'approved', contactUpdates: true });
  const update = await draftUpdate(t.ctx, letter.slug, { subject: 'Delivered', body: 'It was *delivered*.', showOnLetter: true }, SYSTEM_ACTOR);
  await sendUpdate(t.ctx, letter.slug, update.id, SYSTEM_ACTOR);
  await fillUpdateOutbox(t.ctx, { batchSize: 10, backlogLimit: 10 });
  const changer = await signAndConfirm(t, other.slug, { email: 'changer@example.org' });
  await moderateSignatures(t.ctx, { letterId: other.id, ids: [changer.id], action: 'approve', actor: SYSTEM_ACTOR });
  await request(t.app).post(`/signatures/edit/${await tokenFromOutbox(t.ctx, 'changer@example.org', 'edit')}`).type('form').send({ name: 'Changed Name', organisation: '', title: '', comment: '', public: 'yes', updates: 'no' }).expect(200);
  // The highest id SQLite handed out is gone: PostgreSQL must not hand it out again.
  const deleted = await buildSignature(t.ctx, other, { state: 'unconfirmed' });
  (t.database as unknown as { connection: BetterSqlite3.Database }).connection.prepare('DELETE FROM signatures WHERE id = ?').run(deleted.id);
  await t.close();
  opened.splice(opened.indexOf(t), 1);
  return { path: t.config.databasePath, slug: letter.slug, deletedSignatureId: deleted.id };
}

/** A new database on the test server, with nothing in it: not even the migrations. */
async function blankPostgresDatabase(): Promise<string> {
  const server = testPostgres();
  const name = `${server.run}_copy_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return withDatabase(server.url, name);
}

async function onPostgres<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

const sqliteTables = (path: string): string[] => {
  const sqlite = new BetterSqlite3(path, { readonly: true });
  try {
    return sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '__drizzle_migrations' ORDER BY name").pluck().all() as string[];
  } finally {
    sqlite.close();
  }
};

/** Every row of every table, booleans as SQLite's 1/0, keys sorted, rows in a stable order: comparable across the engines. */
async function contentsOnSqlite(path: string): Promise<Record<string, unknown[]>> {
  const sqlite = new BetterSqlite3(path, { readonly: true });
  try {
    return Object.fromEntries(sqliteTables(path).map((name) => [name, comparableRows(sqlite.prepare(`SELECT * FROM "${name}"`).all() as Array<Record<string, unknown>>)]));
  } finally {
    sqlite.close();
  }
}

async function contentsOnPostgres(url: string, tables: readonly string[]): Promise<Record<string, unknown[]>> {
  return onPostgres(url, async (client) => {
    const contents: Record<string, unknown[]> = {};
    for (const name of tables) contents[name] = comparableRows((await client.query(`SELECT * FROM "${name}"`)).rows as Array<Record<string, unknown>>);
    return contents;
  });
}

const comparableRows = (rows: Array<Record<string, unknown>>): unknown[] =>
  rows
    .map((row) => JSON.stringify(Object.fromEntries(Object.keys(row).sort().map((key) => [key, typeof row[key] === 'boolean' ? Number(row[key]) : row[key]]))))
    .sort()
    .map((row) => JSON.parse(row) as unknown);

const countRows = (url: string, table: string): Promise<number> => onPostgres(url, async (client) => Number((await client.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n));

const copy = (from: string, to: string, ...extra: string[]) => runCliCommand(['db', 'copy', '--to', to, '--from', from, ...extra], {});

describe('db copy --to postgres://…', () => {
  it('when a seeded SQLite database is copied into a new PostgreSQL database, then every row arrives unchanged, the counts are verified, and the app signs on with new ids', async () => {
    const source = await seededSource();
    const target = await blankPostgresDatabase();

    const result = await copy(source.path, target, '--batch-size', '2');

    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    const tables = sqliteTables(source.path);
    const before = await contentsOnSqlite(source.path);
    // Every table of the file is copied, and the seed reaches every one: a new table must be seeded here too.
    for (const name of tables) {
      expect(before[name]!.length, `the seed puts rows in ${name}`).toBeGreaterThan(0);
      expect(result.stdout).toMatch(new RegExp(`^  ${name} +${before[name]!.length}$`, 'm'));
      expect(result.stderr).toContain(`${name}: ${before[name]!.length} row${before[name]!.length === 1 ? '' : 's'} copied`);
    }
    expect(result.stdout).toMatch(/verified/);
    expect(await contentsOnPostgres(target, tables)).toEqual(before);

    // The app on PostgreSQL: a new signature gets a new id (past even the deleted one), and the triggers count it again.
    const t = await buildTestApp({ env: { DATABASE_URL: target } });
    opened.push(t);
    const letter = await reloadLetter(t.ctx, source.slug);
    const form = signForm({ email: 'after-the-move@example.org' });
    await postSignature(t.app, source.slug, form).expect(303);
    const signed = await signatureByEmail(t.ctx, form.email!);
    expect(signed!.id).toBeGreaterThan(source.deletedSignatureId);
    expect((await reloadLetter(t.ctx, source.slug)).countUnconfirmed).toBe(letter.countUnconfirmed + 1);
    expect((await signAndConfirm(t, source.slug, {})).state).toBe('approved');
    expect((await repairCounts(t.ctx, { actor: SYSTEM_ACTOR, dryRun: true })).drifted).toEqual([]);
  });

  it('when the target already holds a row, then the copy is refused and the target is left as it was', async () => {
    const source = await seededSource();
    const target = await createTestPostgresDatabase();
    await onPostgres(target, (client) => client.query("INSERT INTO organisations (name, name_key, created_at) VALUES ('Existing', 'existing', 1)"));

    const result = await copy(source.path, target);

    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/is not empty \(public\.organisations has rows\).*nothing was changed/)]);
    expect(await countRows(target, 'organisations')).toBe(1);
    expect(await countRows(target, 'letters')).toBe(0);
  });

  it('when the target is not a postgres:// URL, then the copy is refused in one line', async () => {
    const source = await seededSource();
    for (const to of ['mysql://user:secret@127.0.0.1/db', 'not a url', source.path]) {
      const result = await copy(source.path, to);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^undersigned db: --to must be a postgres:\/\/ or postgresql:\/\/ URL.*\n$/);
      expect(result.stderr).not.toContain('secret');
    }
  });

  it('when the source file is missing or not migrated to the latest migration, then the copy is refused and no file is made', async () => {
    const target = await createTestPostgresDatabase();
    const missing = join(tempDir(), 'missing.db');
    const absent = await copy(missing, target);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toMatch(/does not exist/);
    expect(existsSync(missing)).toBe(false);

    const bare = join(tempDir(), 'bare.db');
    new BetterSqlite3(bare).close();
    const unmigrated = await copy(bare, target);
    expect(unmigrated.code).toBe(1);
    expect(unmigrated.stderr).toMatch(/is not migrated to this version's latest migration \(0 of \d+ applied\)/);

    const behind = (await seededSource()).path;
    const sqlite = new BetterSqlite3(behind);
    sqlite.prepare('DELETE FROM __drizzle_migrations WHERE created_at = (SELECT max(created_at) FROM __drizzle_migrations)').run();
    sqlite.close();
    expect((await copy(behind, target)).stderr).toMatch(/is not migrated to this version's latest migration/);
    expect(await countRows(target, 'letters')).toBe(0);
  });

  it("when the source's kept counts disagree with its signatures, then the copy exits non-zero naming the letter and both numbers, and the target stays empty", async () => {
    const source = await seededSource();
    const sqlite = new BetterSqlite3(source.path);
    const approved = (sqlite.prepare('SELECT count_approved FROM letters WHERE slug = ?').pluck().get(source.slug) as number);
    sqlite.prepare('UPDATE letters SET count_approved = count_approved + 5 WHERE slug = ?').run(source.slug);
    sqlite.close();
    const target = await createTestPostgresDatabase();

    const result = await copy(source.path, target);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`letter ${source.slug}: count_approved is ${approved + 5} on PostgreSQL but a recount of its signatures finds ${approved}`);
    for (const { name } of tablesInDependencyOrder()) expect(await countRows(target, name), name).toBe(0);
  });

  it('when a text holds a NUL character, then the copy stops naming the table, row and column, and the target stays empty', async () => {
    const t = await sqliteApp();
    const letter = await buildLetter(t.ctx);
    const signature = await buildSignature(t.ctx, letter, { comment: 'before\u0000after' });
    await t.close();
    opened.splice(opened.indexOf(t), 1);
    const target = await createTestPostgresDatabase();

    const result = await copy(t.config.databasePath, target);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`table signatures, row id=${signature.id}: column comment contains a NUL character`);
    expect(await countRows(target, 'letters')).toBe(0);
  });

  it('when the target is altered after the copy, then the verification names the table or letter and both numbers', async () => {
    const source = await seededSource();
    const target = await createTestPostgresDatabase();
    expect((await copy(source.path, target)).code).toBe(0);
    await onPostgres(target, async (client) => {
      await client.query('DELETE FROM organisation_aliases');
      await client.query('UPDATE letters SET count_listed = count_listed + 1 WHERE slug = $1', [source.slug]);
    });
    const reader = openCopySource(source.path);
    const database = openPostgresDatabase(target);
    opened.push({ close: async () => void reader.connection.close() }, database);
    const listed = (await reloadLetter({ db: reader.reader as never }, source.slug)).countListed;

    const check = await verifyCopy(reader.reader, database, tablesInDependencyOrder());

    expect(check.mismatches).toEqual(
      expect.arrayContaining([
        'table organisation_aliases: 1 rows on SQLite, 0 on PostgreSQL',
        `letter ${source.slug}: count_listed is ${listed} on SQLite, ${listed + 1} on PostgreSQL`,
        `letter ${source.slug}: count_listed is ${listed + 1} on PostgreSQL but a recount of its signatures finds ${listed}`,
      ]),
    );
    expect(() => assertCopyVerified(check)).toThrow(/organisation_aliases: 1 rows on SQLite, 0 on PostgreSQL/);
  });

  it('when the tables are ordered for the copy, then every parent comes before the tables that refer to it', () => {
    const order = tablesInDependencyOrder().map((table) => table.name);
    for (const { table, name } of tablesInDependencyOrder()) {
      for (const key of getTableConfig(table).foreignKeys) {
        expect(order.indexOf(getTableConfig(key.reference().foreignTable).name), `${name}'s parent`).toBeLessThan(order.indexOf(name));
      }
    }
  });
});

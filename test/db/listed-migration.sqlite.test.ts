import { afterEach, describe, expect, it } from 'vitest';
import { migrateSqlite } from '../../server/db/migrate.js';
import { openSqliteDatabase, type SqliteDatabase } from '../../server/db/sqlite-database.js';
import { testConfig } from '../helpers/config.js';
import { migrationsBefore } from '../helpers/migrations.js';

type Sqlite = SqliteDatabase['connection'];

let database: SqliteDatabase | undefined;
afterEach(() => database?.close());

/**
 * "On the public list" as the release before signatures.listed spelled it in every trigger and
 * query: the test's own statement of the rule, so the column and the counts are checked against
 * something other than themselves.
 */
const LISTED_BY_HAND = "state = 'approved' AND show_public = 1";

const namesOf = (sqlite: Sqlite, type: 'trigger' | 'index'): string[] =>
  sqlite.prepare("SELECT name FROM sqlite_master WHERE type = ? AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all(type) as string[];

/** The counts the triggers keep, as stored. */
function storedCounts(sqlite: Sqlite, letterId: number) {
  return {
    letter: sqlite
      .prepare('SELECT count_unconfirmed, count_pending, count_approved, count_rejected, count_withdrawn, count_listed FROM letters WHERE id = ?')
      .get(letterId),
    groups: sqlite.prepare('SELECT organisation_group AS "group", listed FROM letter_organisation_counts WHERE letter_id = ? ORDER BY 1').all(letterId),
  };
}

/** The same counts, recounted from the signature rows with the rule spelled out. */
function recount(sqlite: Sqlite, letterId: number) {
  const inState = (state: string) => `count(*) FILTER (WHERE state = '${state}')`;
  return {
    letter: sqlite
      .prepare(
        `SELECT ${inState('unconfirmed')} AS count_unconfirmed, ${inState('pending')} AS count_pending, ${inState('approved')} AS count_approved,
           ${inState('rejected')} AS count_rejected, ${inState('withdrawn')} AS count_withdrawn, count(*) FILTER (WHERE ${LISTED_BY_HAND}) AS count_listed
         FROM signatures WHERE letter_id = ?`,
      )
      .get(letterId),
    groups: sqlite
      .prepare(
        `SELECT organisation_group AS "group", count(*) AS listed FROM signatures
         WHERE letter_id = ? AND ${LISTED_BY_HAND} AND organisation_group IS NOT NULL GROUP BY 1 ORDER BY 1`,
      )
      .all(letterId),
  };
}

const publicRevision = (sqlite: Sqlite, letterId: number): number =>
  sqlite.prepare('SELECT public_revision FROM letters WHERE id = ?').pluck().get(letterId) as number;

/** A database of the release before signatures.listed, holding signatures in every state, shown and hidden, with and without an organisation. */
function olderDatabaseWithSignatures() {
  database = openSqliteDatabase(testConfig().databasePath);
  migrateSqlite(database, migrationsBefore('0009_signatures_listed'));
  const sqlite = database.connection;
  const letterId = Number(sqlite.prepare("INSERT INTO letters (slug, title, body, status) VALUES ('open-letter', 'T', 'B', 'open')").run().lastInsertRowid);
  const versionId = Number(sqlite.prepare("INSERT INTO letter_versions (letter_id, number, title, body, sha256, published_at) VALUES (?, 1, 'T', 'B', 'x', 0)").run(letterId).lastInsertRowid);
  sqlite.prepare('UPDATE letters SET current_version_id = ? WHERE id = ?').run(versionId, letterId);
  const organisationId = Number(sqlite.prepare("INSERT INTO organisations (name, name_key) VALUES ('Nvidia', 'nvidia')").run().lastInsertRowid);
  const insert = sqlite.prepare(
    `INSERT INTO signatures (letter_id, version_id, name, email, email_key, email_domain, signed_at, state, show_public, organisation_id, organisation_key, organisation_text)
     VALUES (@letterId, @versionId, 'N', @email, @email, 'example.org', 0, @state, @showPublic, @organisationId, @organisationKey, @organisationText)`,
  );
  let n = 0;
  const sign = (state: string, showPublic: 0 | 1, organisation: 'matched' | 'typed' | 'none') =>
    Number(
      insert.run({
        letterId,
        versionId,
        email: `p${(n += 1)}@example.org`,
        state,
        showPublic,
        organisationId: organisation === 'matched' ? organisationId : null,
        organisationKey: organisation === 'matched' ? 'nvidia' : organisation === 'typed' ? 'acme' : '',
        organisationText: organisation === 'matched' ? 'Nvidia' : organisation === 'typed' ? 'ACME' : '',
      }).lastInsertRowid,
    );
  for (const state of ['unconfirmed', 'pending', 'approved', 'rejected', 'withdrawn']) {
    for (const showPublic of [0, 1] as const) {
      for (const organisation of ['matched', 'typed', 'none'] as const) sign(state, showPublic, organisation);
    }
  }
  return { sqlite, letterId, sign };
}

describe('the migration that gives signatures a listed column', () => {
  it('when an older database is migrated, then every trigger and index is still there, none spells the rule out, and the counts it kept stay right', () => {
    const { sqlite, letterId } = olderDatabaseWithSignatures();
    const triggersBefore = namesOf(sqlite, 'trigger');
    const indexesBefore = namesOf(sqlite, 'index');
    const countsBefore = storedCounts(sqlite, letterId);
    expect(countsBefore).toEqual(recount(sqlite, letterId));
    expect(triggersBefore.length).toBeGreaterThanOrEqual(13);

    migrateSqlite(database!);

    // Later migrations add tables of their own (and their indexes and triggers); none that was there goes,
    // but for the versions' number index, which translations widened to (letter, lang, number).
    expect(namesOf(sqlite, 'trigger')).toEqual(expect.arrayContaining(triggersBefore));
    const widened = { letter_versions_letter_number_uq: 'letter_versions_letter_lang_number_uq' } as Record<string, string>;
    expect(namesOf(sqlite, 'index')).toEqual(expect.arrayContaining(indexesBefore.map((name) => widened[name] ?? name)));
    const definitions = sqlite.prepare("SELECT name, sql FROM sqlite_master WHERE type IN ('trigger', 'index') AND sql IS NOT NULL").all() as Array<{ name: string; sql: string }>;
    const spelledOut = definitions.filter((object) => /'approved'\s+AND\s+\S*show_public/i.test(object.sql)).map((object) => object.name);
    expect(spelledOut).toEqual([]);
    const readListed = definitions.filter((object) => /\blisted`?\s*(=|IS)/i.test(object.sql)).map((object) => object.name).sort();
    expect(readListed).toEqual([
      'signatures_count_delete',
      'signatures_count_insert',
      'signatures_count_update',
      'signatures_featured_idx',
      'signatures_org_count_delete',
      'signatures_org_count_insert',
      'signatures_org_count_update',
      'signatures_public_group_idx',
      'signatures_public_list_idx',
      'signatures_public_revision_delete',
      'signatures_public_revision_insert',
      'signatures_public_revision_update',
    ]);

    expect(sqlite.prepare(`SELECT count(*) FROM signatures WHERE listed IS NOT (${LISTED_BY_HAND})`).pluck().get()).toBe(0);
    expect(sqlite.prepare('SELECT count(*) FROM signatures WHERE listed = 1').pluck().get()).toBe(3);
    expect(storedCounts(sqlite, letterId)).toEqual(countsBefore);
    // The insights' kept figures (0013) start from the signatures already stored: 12 confirmed (pending or approved) of 30.
    expect(sqlite.prepare('SELECT hour_start, confirmed FROM letter_signing_hours WHERE letter_id = ?').all(letterId)).toEqual([{ hour_start: 0, confirmed: 12 }]);
    expect(sqlite.prepare('SELECT dimension, value, signers, confirmed FROM letter_signer_groups WHERE letter_id = ? ORDER BY dimension, value').all(letterId)).toEqual([
      { dimension: 'domain', value: 'example.org', signers: 30, confirmed: 12 },
      { dimension: 'source', value: '', signers: 30, confirmed: 12 },
      { dimension: 'verified', value: 'no', signers: 30, confirmed: 12 },
    ]);
    expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('when signatures are approved, hidden, moved, signed and deleted after the migration, then the counts equal a recount and the page revision moves only for listed rows', () => {
    const { sqlite, letterId, sign } = olderDatabaseWithSignatures();
    migrateSqlite(database!);
    const idOf = (state: string, showPublic: 0 | 1, organisationKey: string) =>
      sqlite.prepare('SELECT id FROM signatures WHERE state = ? AND show_public = ? AND organisation_key = ?').pluck().get(state, showPublic, organisationKey) as number;
    const [pendingShown, listedMatched, listedTyped, listedAlone] = [idOf('pending', 1, 'acme'), idOf('approved', 1, 'nvidia'), idOf('approved', 1, 'acme'), idOf('approved', 1, '')];

    const steps: Array<[string, () => unknown, 'moves' | 'stays']> = [
      ['approve a shown signature', () => sqlite.prepare("UPDATE signatures SET state = 'approved' WHERE id = ?").run(pendingShown), 'moves'],
      ['hide a listed signature', () => sqlite.prepare('UPDATE signatures SET show_public = 0 WHERE id = ?').run(listedTyped), 'moves'],
      ['move a listed signature to another group', () => sqlite.prepare("UPDATE signatures SET organisation_id = NULL, organisation_key = 'other' WHERE id = ?").run(listedMatched), 'moves'],
      ['sign, listed at once', () => sign('approved', 1, 'typed'), 'moves'],
      ['sign, not yet confirmed', () => sign('unconfirmed', 1, 'matched'), 'stays'],
      ['reject the hidden signatures', () => sqlite.prepare("UPDATE signatures SET state = 'rejected' WHERE state = 'approved' AND show_public = 0").run(), 'stays'],
      ['delete a listed signature', () => sqlite.prepare('DELETE FROM signatures WHERE id = ?').run(listedAlone), 'moves'],
    ];
    for (const [step, run, revision] of steps) {
      const before = publicRevision(sqlite, letterId);
      run();
      expect(storedCounts(sqlite, letterId), step).toEqual(recount(sqlite, letterId));
      expect(publicRevision(sqlite, letterId) > before, step).toBe(revision === 'moves');
    }
    expect(recount(sqlite, letterId).groups).toEqual([
      { group: 'k:acme', listed: 2 },
      { group: 'k:other', listed: 1 },
    ]);
  });
});

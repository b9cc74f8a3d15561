import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { createApp } from '../../server/app.js';
import { migrateSqlite } from '../../server/db/migrate.js';
import { openSqliteDatabase, type SqliteDatabase } from '../../server/db/sqlite-database.js';
import { eraseSigner } from '../../server/privacy/erase-signer.js';
import { TestClock } from '../helpers/clock.js';
import { testConfig } from '../helpers/config.js';
import { migrationsBefore } from '../helpers/migrations.js';

let database: SqliteDatabase | undefined;
afterEach(() => database?.close());

/** A database of the release before the red-team data migration, holding what that release stored. */
function olderDatabase() {
  const config = testConfig();
  database = openSqliteDatabase(config.databasePath);
  migrateSqlite(database, migrationsBefore('0008_redteam_integrity_data'));
  const sqlite = database.connection;
  const letter = (slug: string, status: string, updatedAt: number) => {
    const id = Number(sqlite.prepare("INSERT INTO letters (slug, title, body, status, created_at, updated_at) VALUES (?, 'T', 'B', ?, 0, ?)").run(slug, status, updatedAt).lastInsertRowid);
    const version = Number(sqlite.prepare("INSERT INTO letter_versions (letter_id, number, title, body, sha256, published_at) VALUES (?, 1, 'T', 'B', 'x', 0)").run(id).lastInsertRowid);
    sqlite.prepare('UPDATE letters SET current_version_id = ? WHERE id = ?').run(version, id);
    return { id, version };
  };
  const sign = (on: { id: number; version: number }, email: string, key = email.toLowerCase()) =>
    Number(sqlite.prepare("INSERT INTO signatures (letter_id, version_id, name, email, email_key, email_domain, signed_at, state) VALUES (?, ?, 'N', ?, ?, ?, 0, 'approved')").run(on.id, on.version, email, key, key.split('@')[1] ?? '').lastInsertRowid);
  return { config, sqlite, letter, sign };
}

describe('the data migration of the red-team fixes', () => {
  it('when older rows hold addresses under their old keys, then each takes its canonical key unless two rows of a letter would share it, and erasure finds them under either', async () => {
    const { config, sqlite, letter, sign } = olderDatabase();
    const open = letter('open-letter', 'open', 1_000);
    const other = letter('other-letter', 'open', 1_000);
    const tagged = sign(open, 'Ann+news@example.org');
    const dotted = sign(open, 'jane.troll@gmail.com');
    const undotted = sign(open, 'janetroll@gmail.com');
    const googlemail = sign(other, 'jane.troll@googlemail.com');
    const erased = sign(other, '', 'erased:99');

    migrateSqlite(database!);

    const keyOf = (id: number) => (sqlite.prepare('SELECT email_key AS key FROM signatures WHERE id = ?').get(id) as { key: string }).key;
    expect([tagged, dotted, undotted, googlemail, erased].map(keyOf)).toEqual(['ann@example.org', 'jane.troll@gmail.com', 'janetroll@gmail.com', 'janetroll@gmail.com', 'erased:99']);

    const { ctx } = createApp({ config, db: database!, logger: pino({ level: 'silent' }), now: new TestClock().now });
    expect((await eraseSigner(ctx, { email: 'Jane.Troll@gmail.com', actor: SYSTEM_ACTOR })).signatures).toBe(3);
    expect([dotted, undotted, googlemail].map(keyOf)).toEqual([`erased:${dotted}`, `erased:${undotted}`, `erased:${googlemail}`]);
    expect((await eraseSigner(ctx, { email: 'ann+other@example.org', actor: SYSTEM_ACTOR })).signatures).toBe(1);
    expect(keyOf(tagged)).toBe(`erased:${tagged}`);
  });

  it('when a letter was closed by hand before, then its last change stands for its closing time; open letters have none', () => {
    const { sqlite, letter } = olderDatabase();
    letter('closed-letter', 'closed', 5_000);
    letter('open-letter', 'open', 6_000);

    migrateSqlite(database!);

    expect(sqlite.prepare('SELECT slug, closed_at AS closedAt FROM letters ORDER BY id').all()).toEqual([
      { slug: 'closed-letter', closedAt: 5_000 },
      { slug: 'open-letter', closedAt: null },
    ]);
  });
});

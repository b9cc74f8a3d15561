import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { first, type Database } from '../../server/db/database.js';
import { isUniqueViolation } from '../../server/db/errors.js';
import { migrateSqlite } from '../../server/db/migrate.js';
import { organisations } from '../../server/db/schema.js';
import { openSqliteDatabase } from '../../server/db/sqlite-database.js';
import { buildTestApp, testEngine, type TestApp } from '../helpers/app.js';
import { tempDir } from '../helpers/config.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const at = new Date(1_700_000_000_000);
const addOrganisation = (db: Database, name: string, during?: () => Promise<void>) =>
  db.write(
    async (tx) => {
      await tx.insert(organisations).values({ name, nameKey: name.toLowerCase(), createdAt: at });
      await during?.();
      return name;
    },
    { grouped: true },
  );
const stored = async (db: Database, name: string) => (await first(db.select().from(organisations).where(eq(organisations.name, name)))) !== undefined;

describe('grouped writes (group commit)', () => {
  it('when grouped writes arrive together and one of them fails, then only that one is rejected and every other is stored', async () => {
    t = await buildTestApp();
    const { db } = t.ctx;
    const outcomes = await Promise.allSettled([
      addOrganisation(db, 'First'),
      addOrganisation(db, 'Fails', async () => {
        throw new Error('this signer only');
      }),
      addOrganisation(db, 'Third'),
    ]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await stored(db, 'First')).toBe(true);
    expect(await stored(db, 'Fails')).toBe(false);
    expect(await stored(db, 'Third')).toBe(true);
  });

  it('when two grouped writes insert the same unique key together, then the second gets the unique violation as a normal outcome and the first stays', async () => {
    t = await buildTestApp();
    const { db } = t.ctx;
    const [firstOne, second] = await Promise.allSettled([addOrganisation(db, 'Same Name'), addOrganisation(db, 'same name')]);

    expect(firstOne.status).toBe('fulfilled');
    expect(second.status === 'rejected' && isUniqueViolation(second.reason)).toBe(true);
    expect(await stored(db, 'Same Name')).toBe(true);
  });

  it('when a grouped write is answered, then what it wrote is already committed: a reader outside the transaction sees it', async () => {
    t = await buildTestApp();
    const { db } = t.ctx;
    const names = Array.from({ length: 20 }, (_, i) => `Committed ${i}`);
    const seenWhenAnswered = await Promise.all(names.map(async (name) => stored(db, await addOrganisation(db, name))));
    expect(seenWhenAnswered).toEqual(names.map(() => true));
  });

  it.skipIf(testEngine() === 'postgres')('when grouped writes arrive while the writer is busy, then they share one transaction (SQLite): a later one sees an earlier one uncommitted', async () => {
    t = await buildTestApp();
    const { db } = t.ctx;
    // The first write holds the writer while the others arrive; they are then committed together.
    let letGo!: () => void;
    let held!: () => void;
    const writerHeld = new Promise<void>((resolve) => (held = resolve));
    const holding = db.write(
      () =>
        new Promise<void>((resolve) => {
          letGo = resolve;
          held();
        }),
    );
    await writerHeld;
    const visibility: Array<{ toTheWriter: boolean; toReaders: boolean }> = [];
    const group = [
      addOrganisation(db, 'Early'),
      db.write(
        async (tx) => {
          visibility.push({ toTheWriter: (await first(tx.select().from(organisations).where(eq(organisations.name, 'Early')))) !== undefined, toReaders: await stored(db, 'Early') });
        },
        { grouped: true },
      ),
    ];
    letGo();
    await holding;
    await Promise.all(group);

    expect(visibility).toEqual([{ toTheWriter: true, toReaders: false }]);
    expect(await stored(db, 'Early')).toBe(true);
  });

  it('when the database is closed while grouped writes are still queued, then every one of them is committed first', async () => {
    const path = join(tempDir(), 'closing.db');
    const db = openSqliteDatabase(path);
    migrateSqlite(db);
    const names = Array.from({ length: 150 }, (_, i) => `Queued ${i}`);
    const writes = names.map((name) => addOrganisation(db, name));
    await db.close();
    expect((await Promise.allSettled(writes)).map((outcome) => outcome.status)).toEqual(names.map(() => 'fulfilled'));

    const reopened = openSqliteDatabase(path);
    expect(await reopened.$count(organisations)).toBe(150);
    await reopened.close();
  });

  it('when more grouped writes arrive together than one group takes, then the rest follow in the next groups and every one is stored', async () => {
    t = await buildTestApp();
    const { db } = t.ctx;
    const names = Array.from({ length: 200 }, (_, i) => `Surge ${i}`);
    await Promise.all(names.map((name) => addOrganisation(db, name)));
    expect(await db.$count(organisations)).toBeGreaterThanOrEqual(200);
  });

  it.skipIf(testEngine() === 'postgres')('when a grouped write is started inside another write, then it is refused at once rather than left waiting for itself (SQLite)', async () => {
    t = await buildTestApp();
    const { db } = t.ctx;
    await expect(db.write(() => addOrganisation(db, 'Nested'))).rejects.toThrow(/inside another/);
  });
});

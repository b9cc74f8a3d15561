import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { first, type Database } from '../../server/db/database.js';
import { isUniqueViolation } from '../../server/db/errors.js';
import { migrateSqlite } from '../../server/db/migrate.js';
import { migratePostgres } from '../../server/db/migrate-postgres.js';
import { openPostgresDatabase } from '../../server/db/postgres-database.js';
import { organisations } from '../../server/db/schema.js';
import { openSqliteDatabase } from '../../server/db/sqlite-database.js';
import { tempDir } from '../helpers/config.js';
import { createTestPostgresDatabase } from '../helpers/postgres.js';

const engines = {
  sqlite: async (): Promise<Database> => {
    const database = openSqliteDatabase(join(tempDir(), 'engines.db'));
    migrateSqlite(database);
    return database;
  },
  postgres: async (): Promise<Database> => {
    const database = openPostgresDatabase(await createTestPostgresDatabase());
    await migratePostgres(database);
    return database;
  },
};

describe.each(Object.entries(engines))('the data layer on %s', (_engine, open) => {
  let db: Database;
  beforeEach(async () => {
    db = await open();
  });
  afterEach(async () => {
    await db.close();
  });

  const addOrganisation = (name: string) =>
    db.write(async (tx) => {
      const [row] = await tx.insert(organisations).values({ name, nameKey: name.toLowerCase(), createdAt: new Date(1_700_000_000_123) }).returning();
      return row!;
    });

  it('when a row is written and read back, then its values travel unchanged (ids, text, times)', async () => {
    const written = await addOrganisation('Open Rights');
    const read = await first(db.select().from(organisations).where(eq(organisations.id, written.id)));
    expect(read).toEqual(written);
    expect(read?.createdAt).toEqual(new Date(1_700_000_000_123));
    const [{ count }] = (await db.select({ count: sql<number>`count(*)` }).from(organisations)) as [{ count: number }];
    expect(count).toBe(1);
  });

  it('when the work of a write throws, then nothing of it is kept', async () => {
    await expect(
      db.write(async (tx) => {
        await tx.insert(organisations).values({ name: 'Half', nameKey: 'half', createdAt: new Date() });
        throw new Error('the action fails after its first insert');
      }),
    ).rejects.toThrow('the action fails');
    expect(await db.select().from(organisations)).toEqual([]);
  });

  it('when a unique key is taken, then the failure is recognised as such and the transaction rolls back whole', async () => {
    await addOrganisation('Taken');
    const error = await db.write(async (tx) => {
      await tx.insert(organisations).values({ name: 'Other', nameKey: 'other', createdAt: new Date() });
      await tx.insert(organisations).values({ name: 'Taken again', nameKey: 'taken', createdAt: new Date() });
    }).catch((caught: unknown) => caught);
    expect(isUniqueViolation(error)).toBe(true);
    expect((await db.select().from(organisations)).map((row) => row.name)).toEqual(['Taken']);
  });

  it('when a write is still open, then a read outside it sees only what was committed', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertedSignal = new Promise<void>((resolve) => (inserted = resolve));
    const writing = db.write(async (tx) => {
      await tx.insert(organisations).values({ name: 'Pending', nameKey: 'pending', createdAt: new Date() });
      inserted();
      await held;
    });
    await insertedSignal;
    expect(await db.select().from(organisations)).toEqual([]);
    release();
    await writing;
    expect((await db.select().from(organisations)).map((row) => row.name)).toEqual(['Pending']);
  });

  it('when many writes add to one row at once, then every addition counts', async () => {
    const organisation = await addOrganisation('Counter');
    await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        db.write(async (tx) => {
          const current = await first(tx.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, organisation.id)));
          await tx.update(organisations).set({ name: sql`${organisations.name} || ${'+'}` }).where(eq(organisations.id, organisation.id));
          return `${current?.name}:${index}`;
        }),
      ),
    );
    const row = await first(db.select().from(organisations).where(eq(organisations.id, organisation.id)));
    expect(row?.name).toBe(`Counter${'+'.repeat(40)}`);
  });
});

describe('the data layer on sqlite', () => {
  it('when a write is started inside another, then it is refused at once rather than waiting for itself', async () => {
    const db = openSqliteDatabase(join(tempDir(), 'nested.db'));
    migrateSqlite(db);
    try {
      await expect(db.write(() => db.write(async () => 1))).rejects.toThrow(/inside another/);
      expect(await db.write(async () => 2)).toBe(2);
    } finally {
      await db.close();
    }
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import type { PostgresDatabase } from '../../server/db/postgres-database.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildLetter, buildSignature, reloadLetter } from '../helpers/factories.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const deadlocks = async (database: PostgresDatabase): Promise<number> => {
  // Statistics reach the shared counters within a second of a transaction's end.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const { rows } = await database.pool.query<{ deadlocks: string }>('SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()');
  return Number(rows[0]?.deadlocks ?? 0);
};

describe('many signers of one letter at once, on PostgreSQL', () => {
  it('when forty signatures of one letter are written at the same moment, then none deadlocks and the kept counts equal the rows', async () => {
    t = await buildTestApp();
    const letter = await buildLetter(t.ctx);
    const database = t.database as PostgresDatabase;
    const before = await deadlocks(database);
    await Promise.all(Array.from({ length: 40 }, (_, i) => buildSignature(t!.ctx, letter, { state: i % 2 === 0 ? 'approved' : 'unconfirmed' })));
    expect(await deadlocks(database)).toBe(before);
    const counted = await reloadLetter(t.ctx, letter.slug);
    const { rows } = await database.pool.query<{ n: string }>("SELECT count(*) AS n FROM signatures WHERE letter_id = $1 AND state = 'approved'", [letter.id]);
    expect(counted.countApproved).toBe(Number(rows[0]?.n));
    expect(counted.countApproved + counted.countUnconfirmed).toBe(40);
  });
});

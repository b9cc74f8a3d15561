import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Names the PostgreSQL server the run's global set-up started (test/setup/postgres.ts), as JSON. */
export const TEST_POSTGRES = 'UNDERSIGNED_TEST_POSTGRES';

export interface TestPostgres {
  /** Connects as a user who may create databases. */
  url: string;
  /** The migrated database each test database is copied from. */
  template: string;
  /** Prefix of every database this run makes (dropped at its end). */
  run: string;
}

export function testPostgres(): TestPostgres {
  const value = process.env[TEST_POSTGRES];
  if (!value) throw new Error(`${TEST_POSTGRES} is not set: the PostgreSQL lane's global set-up (test/setup/postgres.ts) starts the server`);
  return JSON.parse(value) as TestPostgres;
}

let admin: Promise<pg.Client> | undefined;
let made = 0;
/**
 * This copy of the module's own part of the names: a worker process may load the module afresh
 * (a file that resets its modules), and a counter starting at 1 again must not repeat a name.
 */
const instance = randomBytes(3).toString('hex');

/** A new, migrated, empty database of its own: its connection URL. */
export async function createTestPostgresDatabase(): Promise<string> {
  const server = testPostgres();
  admin ??= (async () => {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    return client;
  })();
  const name = `${server.run}_${process.pid}_${instance}_${(made += 1)}`;
  // FILE_COPY copies the template's files as they are: for a small database much less work than
  // writing every page of it to the write-ahead log (the default strategy).
  await (await admin).query(`CREATE DATABASE "${name}" TEMPLATE "${server.template}" STRATEGY FILE_COPY`);
  return withDatabase(server.url, name);
}

/** The same server's URL, naming another database. */
export const withDatabase = (url: string, database: string): string => {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
};

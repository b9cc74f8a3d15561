import { statSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startBackgroundCheckpoints, type BackgroundCheckpoints } from '../../server/db/background-checkpoints.js';
import { openSqliteDatabase, type SqliteDatabase } from '../../server/db/sqlite-database.js';
import { tempDir } from '../helpers/config.js';
import { waitFor } from '../helpers/wait.js';

let database: SqliteDatabase;
let checkpoints: BackgroundCheckpoints | undefined;
afterEach(async () => {
  await checkpoints?.stop();
  await database.close();
});

const path = () => join(tempDir(), 'checkpoints.db');
const autocheckpoint = () => database.connection.pragma('wal_autocheckpoint', { simple: true });

function writeMegabytes(megabytes: number): void {
  const sqlite = database.connection;
  sqlite.exec('CREATE TABLE IF NOT EXISTS filler (text TEXT)');
  const insert = sqlite.prepare('INSERT INTO filler (text) VALUES (?)');
  for (let i = 0; i < megabytes * 256; i += 1) sqlite.transaction(() => insert.run('x'.repeat(4000)))();
}

describe('background checkpoints', () => {
  it('when commits fill the WAL, then a worker thread copies it into the database file while commits never checkpoint', async () => {
    database = openSqliteDatabase(path());
    checkpoints = startBackgroundCheckpoints(database, pino({ level: 'silent' }), 50);
    expect(autocheckpoint()).toBe(0);

    writeMegabytes(4);

    await waitFor(() => statSync(database.path).size > 4_000_000, 10_000);
  });

  it('when the checkpoints stop, then commits checkpoint again as SQLite does by default', async () => {
    database = openSqliteDatabase(path());
    checkpoints = startBackgroundCheckpoints(database, pino({ level: 'silent' }), 50);
    await checkpoints.stop();
    checkpoints = undefined;
    expect(autocheckpoint()).toBe(1000);
  });

  it('when the database is in memory, then nothing starts and commits keep checkpointing', async () => {
    database = openSqliteDatabase(':memory:');
    checkpoints = startBackgroundCheckpoints(database, pino({ level: 'silent' }));
    expect(autocheckpoint()).toBe(1000);
  });
});

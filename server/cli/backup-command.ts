import { backupDatabase, BackupError } from '../db/backup.js';
import { CliError, withDatabase, type Command } from './command.js';

export const backupCommand: Command = {
  summary: 'copy the live database to a file and check the copy',
  help: `Usage: undersigned backup FILE

Copies DATABASE_PATH to FILE with SQLite's online backup, safe while the server is running, then
runs PRAGMA integrity_check on the copy and prints the result. FILE must not exist yet. The copy is
one self-contained SQLite file: to restore, stop the server and put it in place of DATABASE_PATH.
On PostgreSQL (DATABASE_URL set) back up with PostgreSQL's own tools: pg_dump (or base backups).`,
  async run(args, env) {
    const [file, ...extra] = args;
    if (!file) throw new CliError('the file to write is required: undersigned backup FILE');
    if (extra.length > 0) throw new CliError(`unexpected argument "${extra[0]}"`);
    const result = await withDatabase(env, (database) =>
      backupDatabase(database, file).catch((error: unknown) => {
        throw error instanceof BackupError ? new CliError(error.message) : error;
      }),
    );
    if (result.integrity !== 'ok') throw new CliError(`backup written to ${file} but the integrity check failed: ${result.integrity}`);
    env.stdout.write(`backup written to ${file} (${result.bytes} bytes); integrity check: ok\n`);
  },
};

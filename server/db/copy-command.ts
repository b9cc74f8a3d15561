import { parseCommandArgs, requiredOption } from '../cli/args.js';
import { CliError, type Command } from '../cli/command.js';
import { countOf } from '../cli/format.js';
import { progressLine, type ProgressLine } from '../cli/progress.js';
import { CopyError } from './copy-tables.js';
import { copyToPostgres } from './copy-to-postgres.js';

export const dbCommand: Command = {
  summary: 'copy the SQLite database into an empty PostgreSQL one (db copy --to URL)',
  help: `Usage: undersigned db copy --to postgres://USER:PASSWORD@HOST:PORT/DATABASE [--from FILE]

Copies every table of the SQLite database (FILE, by default DATABASE_PATH) into an empty
PostgreSQL database, migrating it first if it is new. Stop the server (every writer) first: the
SQLite file is opened read-only and copied as it is when the copy starts.
The copy is one PostgreSQL transaction, committed only after it is verified: every table has as
many rows as on SQLite, every letter is the same, and each letter's kept counts equal a recount
of its signatures. Anything else (a mismatch, a value PostgreSQL cannot store such as a NUL
character in text, an interruption) leaves the target empty, and the command exits non-zero
with the table or letter and both numbers. Progress goes to standard error, the summary to
standard output. Then set DATABASE_URL to the URL and start the server.

Options:
  --to URL          the PostgreSQL database to copy into (required; must hold no rows)
  --from FILE       the SQLite database to copy (default: DATABASE_PATH)
  --batch-size N    rows per INSERT statement (default 1000)`,
  async run(args, env) {
    const { values, positionals } = parseCommandArgs(args, { to: { type: 'string' }, from: { type: 'string' }, 'batch-size': { type: 'string' } });
    const [action, ...extra] = positionals;
    if (action !== 'copy' || extra.length > 0) throw new CliError(`expected "db copy --to postgres://…", got "db ${positionals.join(' ')}"`);
    const to = requiredOption(values, 'to');
    const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
    if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) throw new CliError('--batch-size must be a whole number above 0');
    const from = values.from ?? env.config.databasePath;

    const lines = new Map<string, ProgressLine>();
    const onProgress = (table: string, rows: number, done: boolean): void => {
      let line = lines.get(table);
      if (!line) {
        line = progressLine(env.stderr, (count) => `${table}: ${countOf(count, 'row')}…`);
        lines.set(table, line);
      }
      if (done) line.done(`${table}: ${countOf(rows, 'row')} copied`);
      else line.update(rows);
    };
    const summary = await copyToPostgres({ from, to, batchSize, onProgress }).catch((error: unknown) => {
      throw error instanceof CopyError ? new CliError(error.message) : error;
    });
    const { tables } = summary.check;
    const rows = tables.reduce((total, table) => total + table.target, 0);
    const width = Math.max(...tables.map((table) => table.name.length));
    env.stdout.write(`copied ${from} into the PostgreSQL ${summary.target}: ${countOf(tables.length, 'table')}, ${countOf(rows, 'row')}\n`);
    for (const table of tables) env.stdout.write(`  ${table.name.padEnd(width)}  ${table.target}\n`);
    env.stdout.write('verified: rows per table, every letter, and its kept counts against a recount of its signatures\n');
  },
};

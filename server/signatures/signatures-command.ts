import { readFile } from 'node:fs/promises';
import { parseCommandArgs } from '../cli/args.js';
import { CLI_ACTOR, CliError, withDatabase, type Command } from '../cli/command.js';
import { CsvReadError, readCsvRecords } from '../lib/csv/index.js';
import { IMPORT_COLUMNS, importSignatures } from './import-signatures.js';

/** Who the invitation says invited the signer, unless --invited-by names the coalition. */
const DEFAULT_INVITER = 'the organisers of this letter';
const INVITER_MAX = 120;

const HELP = `Usage: undersigned signatures import SLUG FILE.csv [--invited-by NAME]

Imports signatories gathered elsewhere into the letter SLUG. FILE.csv is UTF-8 with a header row
naming the columns ${IMPORT_COLUMNS.join(',')} (any order); fields may be quoted.

Every row is checked first with the sign form's rules (a name, a valid address, lengths), and an
address may appear once. If any row is bad, each is reported by line and NOTHING is imported.
Otherwise each row is stored unconfirmed and mailed an invitation ("You are invited by NAME to
sign…", default "${DEFAULT_INVITER}") with the usual confirm link; nothing is listed or counted
until its owner confirms. Rows whose address has already signed the letter are skipped (and not
mailed again), so running the same import twice is safe. Mail leaves through the outbox, paced
by the worker. Recorded in the audit log as done from the command line.`;

export const signaturesCommand: Command = {
  summary: 'import signatories gathered elsewhere from a CSV file (each is invited to confirm)',
  help: HELP,
  async run(args, env) {
    const { values, positionals } = parseCommandArgs(args, { 'invited-by': { type: 'string' } });
    const [subcommand, slug, file, ...extra] = positionals;
    if (subcommand !== 'import') throw new CliError(subcommand ? `unknown subcommand "${subcommand}"; run "undersigned help signatures"` : 'a subcommand is required: import');
    if (extra.length > 0) throw new CliError(`unexpected argument "${extra[0]}"`);
    if (!slug || !file) throw new CliError('the letter and the file are required: undersigned signatures import SLUG FILE.csv');
    const invitedBy = (values['invited-by'] ?? DEFAULT_INVITER).trim();
    if (invitedBy.length === 0 || invitedBy.length > INVITER_MAX || /\p{Cc}/u.test(invitedBy)) throw new CliError(`--invited-by must be 1 to ${INVITER_MAX} characters on one line`);
    const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
      throw new CliError(`cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
    });
    let records;
    try {
      records = readCsvRecords(bytes, IMPORT_COLUMNS);
    } catch (error) {
      if (error instanceof CsvReadError) throw new CliError(`${file}: ${error.message}; nothing was imported`);
      throw error;
    }
    const outcome = await withDatabase(env, (database) => importSignatures({ db: database, now: () => new Date(), config: env.config, notifyOutbox: () => {} }, slug, records, invitedBy, CLI_ACTOR));
    env.stdout.write(`imported ${outcome.invited} signator${outcome.invited === 1 ? 'y' : 'ies'} into ${outcome.letter.slug} (each invited to confirm); skipped ${outcome.skipped} already signed\n`);
  },
};

import { readFile } from 'node:fs/promises';
import { parseCommandArgs } from '../cli/args.js';
import { CliError, type Command } from '../cli/command.js';
import { verifySignatoryList } from './verify-list.js';

/** Exit codes: 0 the list agrees, 1 it does not (the first bad line is named), 2 the input cannot be read. */
const UNREADABLE = 2;

async function readInput(path: string, what: string): Promise<Buffer> {
  return readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`cannot read the ${what} ${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`, UNREADABLE);
  });
}

export const verifyCommand: Command = {
  summary: 'check a letter’s signatories.ndjson against its manifest.json (offline)',
  help: `Usage: undersigned verify MANIFEST.json LIST.ndjson

Checks, without a database or a network, that a list of signatories downloaded from
/letters/SLUG/signatories.ndjson?revision=R is the one /letters/SLUG/manifest.json describes: each
line chained to the one before by its SHA-256, in order, as many as the manifest counts, ending
at its chain head.

Exit status: 0 and a one-line summary when they agree; 1 naming the first bad line and why (a
name changed, a line added, removed or moved, the count or head differ); 2 when a file cannot be
read or is not a manifest or a list.`,
  async run(args, env) {
    const { positionals } = parseCommandArgs(args, {});
    const [manifestPath, listPath, ...extra] = positionals;
    if (extra.length > 0) throw new CliError(`unexpected argument "${extra[0]}"`, UNREADABLE);
    if (!manifestPath || !listPath) throw new CliError('two files are required: undersigned verify MANIFEST.json LIST.ndjson', UNREADABLE);
    const manifest = (await readInput(manifestPath, 'manifest')).toString('utf8');
    const verdict = verifySignatoryList(manifest, await readInput(listPath, 'list'));
    if (!verdict.ok) throw new CliError(verdict.message, verdict.kind === 'malformed' ? UNREADABLE : 1);
    env.stdout.write(`${verdict.summary}\n`);
  },
};

import { createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandArgs } from '../cli/args.js';
import { CliError, type Command } from '../cli/command.js';
import { CLI_ACTOR, withCommandContext } from '../cli/context.js';
import { countOf } from '../cli/format.js';
import { letterFromArg } from '../cli/letter-arg.js';
import { progressLine } from '../cli/progress.js';
import { exportSignatures, planSignatureExport } from './export-signatures.js';
import { EXPORT_STATES } from './filters.js';

export const exportCommand: Command = {
  summary: "write a letter's signatures as CSV",
  help: `Usage: undersigned export SLUG [options]

Writes every signature on the letter SLUG as CSV (RFC 4180, UTF-8, one header row) to standard
output or to a file, with emails: the command line is for operators with access to the database.
Each export is recorded in the audit log with its filters and row count.

Options:
  --state STATE      only signatures in this state: ${EXPORT_STATES.join(', ')} (default all)
  --verified yes|no  only signatures whose affiliation is (yes) or is not (no) verified
  --since DATE       only signatures made at or after DATE (2026-11-28 or 2026-11-28T04:12:00Z)
  --output FILE      write to FILE (created readable by you only) instead of standard output;
                     if FILE is a folder, a file named after the letter and the time goes in it
  --bom              start with a byte-order mark, for spreadsheet programs
  --no-emails        leave the email column empty`,

  async run(args, env) {
    const { values, positionals } = parseCommandArgs(args, {
      state: { type: 'string' },
      verified: { type: 'string' },
      since: { type: 'string' },
      output: { type: 'string', short: 'o' },
      bom: { type: 'boolean', default: false },
      'no-emails': { type: 'boolean', default: false },
    });
    const [slug, ...extra] = positionals;
    if (!slug || extra.length > 0) throw new CliError('give exactly one letter slug, e.g. undersigned export keep-defensive-ai-open');
    await withCommandContext(env, async (ctx) => {
      const letter = await letterFromArg(ctx, slug);
      const filters = { state: values.state, verified: values.verified, since: values.since };
      const plan = await planSignatureExport(ctx, { letterId: letter.id, filters });
      const target = values.output === undefined ? undefined : outputPath(values.output, plan.filename);
      const destination = target === undefined ? directOutput(env.stdout) : fileDestination(target);
      const progress = progressLine(env.stderr, (rows) => `${countOf(rows, 'row')} written…`);
      try {
        const { rows } = await exportSignatures(
          ctx,
          { letterId: letter.id, filters, includeEmails: !values['no-emails'], actor: CLI_ACTOR, bom: values.bom, onProgress: progress.update },
          destination.stream,
        );
        destination.commit();
        progress.done(`${countOf(rows, 'row')} written to ${target ?? 'standard output'}`);
      } catch (error) {
        destination.discard();
        throw error;
      }
    });
  },
};

/** Chunks that arrive while the file is still writing wait here, to go out together in one write. */
const WRITE_BUFFER_BYTES = 1024 * 1024;

function outputPath(output: string, filename: string): string {
  const isFolder = statSync(output, { throwIfNoEntry: false })?.isDirectory() ?? false;
  return isFolder ? join(output, filename) : output;
}

/**
 * A regular file is written beside the target and renamed at the end, so a failed export never
 * leaves a half file under the real name. A device or a pipe (/dev/null, a FIFO) is written in
 * place: renaming a file over it would replace the device itself.
 */
function fileDestination(path: string) {
  const isSpecial = statSync(path, { throwIfNoEntry: false })?.isFile() === false;
  return isSpecial ? directOutput(createWriteStream(path, { highWaterMark: WRITE_BUFFER_BYTES })) : partialFile(path);
}

/** Output written where it goes, with nothing to rename or clean up afterwards. */
function directOutput(stream: NodeJS.WritableStream) {
  return { stream, commit: () => {}, discard: () => {} };
}

function partialFile(path: string) {
  const partial = `${path}.partial`;
  return {
    stream: createWriteStream(partial, { mode: 0o600, highWaterMark: WRITE_BUFFER_BYTES }),
    commit: () => renameSync(partial, path),
    discard: () => rmSync(partial, { force: true }),
  };
}

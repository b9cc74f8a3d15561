import { parseArgs } from 'node:util';
import { CliError, type Command } from '../cli/command.js';
import { withCommandContext } from '../cli/context.js';
import { seedSignatures } from './seed.js';
import { signatureCount } from '../letters/index.js';

export const seedCommand: Command = {
  summary: 'fill a letter with realistic development signatures (not in production)',
  help: `Usage: undersigned seed [--letter SLUG] [--signatures N]

Creates the letter SLUG (a post-moderated copy of the demo letter) if it does not exist, and adds N
signatures with varied names, organisations, email domains and states (about 72% approved,
12% pending, 10% unconfirmed, 3% rejected, 3% withdrawn). The data is deterministic for a given
letter and N. Refused when NODE_ENV=production.

Options:
  --letter SLUG      letter to fill (default: keep-defensive-ai-open)
  --signatures N     how many signatures to add (default: 1000)`,
  run(args, env) {
    if (env.config.isProduction) throw new CliError('seed is for development data and is refused in production');
    const { values } = parseArgs({ args, options: { letter: { type: 'string', default: 'keep-defensive-ai-open' }, signatures: { type: 'string', default: '1000' } } });
    const count = Number(values.signatures);
    if (!Number.isSafeInteger(count) || count < 0) throw new CliError(`--signatures must be a whole number, got "${values.signatures}"`);
    return withCommandContext(env, async (ctx) => {
      const started = Date.now();
      const progress = (written: number) => env.stderr.write(`\rseeded ${written.toLocaleString('en-GB')} of ${count.toLocaleString('en-GB')} signatures`);
      const { letter, written } = await seedSignatures(ctx, { slug: values.letter, signatures: count, onProgress: progress });
      if (written > 0) env.stderr.write('\n');
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      env.stdout.write(`${letter.slug}: added ${written} signatures in ${seconds} s; count ${signatureCount(letter)}, listed ${letter.countListed}\n`);
    });
  },
};

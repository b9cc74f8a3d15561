import { parseCommandArgs } from '../cli/args.js';
import { CliError, type Command } from '../cli/command.js';
import { CLI_ACTOR, withCommandContext } from '../cli/context.js';
import { countOf } from '../cli/format.js';
import { letterFromArg } from '../cli/letter-arg.js';
import { anonymiseLetter } from './anonymise-letter.js';
import { eraseSigner } from './erase-signer.js';
import { runPrivacyJobs } from './run-privacy-jobs.js';

const USAGE = 'Usage: undersigned privacy run | anonymise SLUG | erase EMAIL';

export const privacyCommand: Command = {
  summary: 'apply the retention rules, anonymise a closed letter, or erase a signer',
  help: `${USAGE}

  run             delete unconfirmed signatures older than UNCONFIRMED_RETENTION_DAYS (with their
                  mail) and drop address hashes older than IP_RETENTION_DAYS, as the server does
                  every JOBS_INTERVAL_MINUTES; prints what it did. Safe to repeat.
  anonymise SLUG  erase names, addresses, roles, organisations and comments on a letter closed for
                  at least ANONYMISE_AFTER_DAYS; counts stay. Audited.
  erase EMAIL     carry out a signer's erasure request: every signature by EMAIL, on every letter,
                  is withdrawn and erased, and mail to it deleted. Audited without the address.`,

  async run(args, env) {
    const { positionals } = parseCommandArgs(args, {});
    const [action, target, ...extra] = positionals;
    const needsTarget = action === 'anonymise' || action === 'erase';
    if (!action || !['run', 'anonymise', 'erase'].includes(action) || needsTarget !== (target !== undefined) || extra.length > 0) throw new CliError(USAGE);
    await withCommandContext(env, async (ctx) => {
      if (action === 'run') {
        const summary = await runPrivacyJobs(ctx);
        env.stdout.write(
          `${countOf(summary.unconfirmedDeleted, 'unconfirmed signature')} deleted, ${summary.unconfirmedWithdrawn.toLocaleString('en-GB')} withdrawn instead to keep a rejection, with ${countOf(summary.mailsDeleted, 'mail')}; ${countOf(summary.addressesForgotten, 'address hash', 'address hashes')} dropped, and ${countOf(summary.blockRulesForgotten, 'block rule')} by address hash\n`,
        );
      } else if (action === 'anonymise') {
        const result = await anonymiseLetter(ctx, { letterId: (await letterFromArg(ctx, target ?? '')).id, actor: CLI_ACTOR });
        env.stdout.write(
          result.alreadyAnonymised
            ? `${result.slug} was already anonymised on ${result.anonymisedAt.toISOString()}\n`
            : `${result.slug}: ${countOf(result.signatures, 'signature')} anonymised, ${countOf(result.mailsDeleted, 'mail')} deleted\n`,
        );
      } else {
        const result = await eraseSigner(ctx, { email: target ?? '', actor: CLI_ACTOR });
        env.stdout.write(`${countOf(result.signatures, 'signature')} erased, ${countOf(result.mailsDeleted, 'mail')} deleted\n`);
      }
    });
  },
};

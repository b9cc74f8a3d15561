import { parseCommandArgs, requiredOption } from '../cli/args.js';
import { CLI_ACTOR, CliError, withDatabase, type Command, type CommandEnv } from '../cli/command.js';
import { readSecret } from '../cli/secret-input.js';
import { addOrganiser, listOrganisers, removeOrganiser, setOrganiserPassword, setOrganiserRole, type AccountsContext } from './accounts.js';
import { MIN_PASSWORD_LENGTH } from './passwords.js';
import { ORGANISER_ROLES } from './table.js';

const ROLES = ORGANISER_ROLES.join('|');

const HELP = `Usage: undersigned organiser <subcommand> [options]

Subcommands:
  add --email E --name N --role ${ROLES}
      Adds an organiser. The password is read from standard input when it is piped
      (its first line), otherwise asked for twice without echo. At least ${MIN_PASSWORD_LENGTH} characters.
  list
      Lists organisers: email, role, name, date added.
  set-role --email E --role ${ROLES}
  set-password --email E
      New password, read like "add" does; signs the organiser out everywhere.
  remove --email E
      Removes an organiser and ends their sessions. The last owner cannot be removed or demoted.

Roles: owner (everything, including organisers and exports with email addresses),
moderator (moderate signatures, export without email addresses), viewer (read only).
Every change is recorded in the audit log as done from the command line.

Example:
  printf '%s\\n' "$PASSWORD" | undersigned organiser add --email ada@example.org --name "Ada L." --role owner`;

const OPTIONS = { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' } } as const;

/** The accounts use cases on the command line's database; the CLI's clock is the real one. */
const withAccounts = <T>(env: CommandEnv, use: (ctx: AccountsContext) => T | Promise<T>): Promise<T> =>
  withDatabase(env, (database) => use({ db: database, config: env.config, now: () => new Date() }));

const readNewPassword = (env: CommandEnv) => readSecret(env, 'Password: ', 'Password again: ');

export const organiserCommand: Command = {
  summary: 'add, list, remove organisers and set their roles or passwords',
  help: HELP,
  async run(args, env) {
    const { values, positionals } = parseCommandArgs(args, OPTIONS);
    const [subcommand, ...extra] = positionals;
    if (extra.length > 0) throw new CliError(`unexpected argument "${extra[0]}"`);
    switch (subcommand) {
      case 'add': {
        const input = { email: requiredOption(values, 'email'), name: requiredOption(values, 'name'), role: requiredOption(values, 'role') };
        const password = await readNewPassword(env);
        const added = await withAccounts(env, (ctx) => addOrganiser(ctx, { ...input, password }, CLI_ACTOR));
        env.stdout.write(`added ${added.email} as ${added.role}\n`);
        return;
      }
      case 'list': {
        const rows = await withAccounts(env, listOrganisers);
        if (rows.length === 0) {
          env.stdout.write('no organisers yet: add one with "undersigned organiser add"\n');
          return;
        }
        const width = Math.max(...rows.map((row) => row.email.length));
        for (const row of rows) env.stdout.write(`${row.email.padEnd(width)}  ${row.role.padEnd(9)}  ${row.name}  (added ${row.createdAt.toISOString().slice(0, 10)})\n`);
        return;
      }
      case 'set-role': {
        const changed = await withAccounts(env, (ctx) => setOrganiserRole(ctx, requiredOption(values, 'email'), requiredOption(values, 'role'), CLI_ACTOR));
        env.stdout.write(`${changed.email} is now ${changed.role}\n`);
        return;
      }
      case 'set-password': {
        const email = requiredOption(values, 'email');
        const password = await readNewPassword(env);
        const changed = await withAccounts(env, (ctx) => setOrganiserPassword(ctx, email, password, CLI_ACTOR));
        env.stdout.write(`password changed for ${changed.email}; their sessions were ended\n`);
        return;
      }
      case 'remove': {
        const removed = await withAccounts(env, (ctx) => removeOrganiser(ctx, requiredOption(values, 'email'), CLI_ACTOR));
        env.stdout.write(`removed ${removed.email}\n`);
        return;
      }
      default:
        throw new CliError(subcommand ? `unknown subcommand "${subcommand}"; run "undersigned help organiser"` : 'a subcommand is required: add, list, set-role, set-password or remove');
    }
  },
};

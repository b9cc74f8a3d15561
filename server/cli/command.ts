import type { Config } from '../config.js';
import type { Actor } from '../audit/index.js';
import type { Database } from '../db/database.js';

/** What a command gets: the parsed config and a migrated database, opened only if it asks. */
export interface CommandEnv {
  config: Config;
  openDatabase(): Promise<Database>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

export interface Command {
  /** One line for the command list. */
  summary: string;
  /** Full help text, shown by `undersigned help NAME` and `NAME --help`. */
  help: string;
  run(args: string[], env: CommandEnv): Promise<void> | void;
}

/** An error the CLI prints as one line before exiting non-zero. */
export class CliError extends Error {
  override name = 'CliError';

  /** The process's exit status: 1 unless the command documents another (verify's 2 for unreadable input). */
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** Who the audit log names for changes made with the CLI: whoever has shell access to the server. */
export const CLI_ACTOR: Actor = { kind: 'system', label: 'command line' };

/** Opens the (migrated) database for one command and closes it however the command ends. */
export async function withDatabase<T>(env: Pick<CommandEnv, 'openDatabase'>, use: (database: Database) => T | Promise<T>): Promise<T> {
  const database = await env.openDatabase();
  try {
    return await use(database);
  } finally {
    await database.close();
  }
}

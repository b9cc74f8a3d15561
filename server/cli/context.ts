import pino from 'pino';
import { createContext, type Context } from '../context.js';
import type { Database } from '../db/database.js';
import { createLogger } from '../web/logger.js';
import type { CommandEnv } from './command.js';
import type { Actor } from '../audit/index.js';

/** Who acts when an operator runs a command: a system actor, told apart from the scheduled jobs in the audit log. */
export const CLI_ACTOR: Actor = { kind: 'system', label: 'cli' };

/**
 * The context use cases need, for a command: the migrated database, views for mail, and logs on
 * stderr so stdout carries only the command's output. Mail is left in the outbox for the server's
 * worker to send.
 */
export async function withCommandContext<T>(env: CommandEnv, run: (ctx: Context, database: Database) => T | Promise<T>): Promise<T> {
  const database = await env.openDatabase();
  try {
    const logger = createLogger(env.config.logLevel, pino.destination({ dest: 2, sync: true }));
    return await run(createContext({ config: env.config, db: database, logger }), database);
  } finally {
    await database.close();
  }
}

import pino from 'pino';
import { createContext } from '../app.js';
import type { Context } from '../context.js';
import type { DatabaseHandle } from '../db/client.js';
import { createLogger } from '../web/logger.js';
import type { CommandEnv } from './command.js';

export interface CommandContext {
  ctx: Context;
  database: DatabaseHandle;
}

/**
 * The context use cases need, for a command: the migrated database, views for mail, and logs on
 * stderr so stdout carries only the command's output. Mail is left in the outbox for the server's
 * worker to send.
 */
export function openCommandContext(env: CommandEnv): CommandContext {
  const database = env.openDatabase();
  const logger = createLogger(env.config.logLevel, pino.destination({ dest: 2, sync: true }));
  return { ctx: createContext({ config: env.config, db: database.db, logger }), database };
}

import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import type { ViewEngine } from './web/render.js';

/** What every use case may use: passed explicitly, never read from globals, so tests build their own. */
export interface Context {
  config: Config;
  db: Db;
  views: ViewEngine;
  logger: Logger;
  now: () => Date;
  /** Tells the outbox worker that a mail was queued, so it need not wait for its next poll. */
  notifyOutbox: () => void;
}

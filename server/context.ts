import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import { loadAssets, type Assets } from './web/assets.js';
import { createPageCache, type PageCache } from './web/page-cache.js';
import { createViewEngine, type ViewEngine } from './web/render.js';
import { DEFAULT_LANGUAGE, translatorFor } from './web/i18n.js';
import { speaking } from './web/language.js';
import type { MailOutage, MailWorkerState } from './mail/index.js';

/** What every use case may use: passed explicitly, never read from globals, so tests build their own. */
export interface Context {
  config: Config;
  db: Database;
  views: ViewEngine;
  logger: Logger;
  now: () => Date;
  /** Public pages rendered once per state of their letter (see publicFingerprint), and the insights page's figures (see insights/admin-routes.ts). */
  pages: PageCache;
  /** Tells the outbox worker that a mail was queued, so it need not wait for its next poll. */
  notifyOutbox: () => void;
  /** The mail server outage the outbox worker in this process is living through, if any. */
  mailOutage: () => MailOutage | undefined;
  /** Whether the outbox worker is processing mail (or waiting for the database, or being restarted). */
  mailWorkerState: () => MailWorkerState;
}

export interface ContextDeps {
  config: Config;
  db: Database;
  logger: Logger;
  now?: () => Date;
  notifyOutbox?: () => void;
  mailOutage?: () => MailOutage | undefined;
  mailWorkerState?: () => MailWorkerState;
}

/** One way to build a Context, for the web app and the CLI alike. */
export function createContext(deps: ContextDeps, assets: Assets = loadAssets()): Context {
  const { config } = deps;
  const views = createViewEngine({
    // Compiled templates are kept for the life of the process; `npm run dev` restarts it when a view changes.
    cache: true,
    globals: { asset: assets.url, baseUrl: config.baseUrl, devMail: !config.isProduction && !config.smtpUrl, ...speaking(translatorFor(DEFAULT_LANGUAGE)) },
  });
  return {
    config,
    db: deps.db,
    views,
    logger: deps.logger,
    now: deps.now ?? (() => new Date()),
    pages: createPageCache(),
    notifyOutbox: deps.notifyOutbox ?? (() => {}),
    mailOutage: deps.mailOutage ?? (() => undefined),
    mailWorkerState: deps.mailWorkerState ?? (() => ({ state: 'running' })),
  };
}

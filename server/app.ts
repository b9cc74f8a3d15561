import express from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Context } from './context.js';
import type { Db } from './db/client.js';
import { letterRoutes } from './letters/routes.js';
import { devMailRoutes } from './mail/dev-routes.js';
import { signatureRoutes } from './signatures/routes.js';
import { loadAssets } from './web/assets.js';
import { errorHandler, notFoundHandler } from './web/error-handler.js';
import { redactUrl } from './web/logger.js';
import { createViewEngine } from './web/render.js';
import { securityHeaders, verifyFormEncoding } from './web/security.js';

export interface AppDeps {
  config: Config;
  db: Db;
  logger: Logger;
  now?: () => Date;
  notifyOutbox?: () => void;
}

/** Builds the Express app without listening, so tests drive it in-process. */
export function createApp(deps: AppDeps): { app: express.Express; ctx: Context } {
  const { config } = deps;
  const assets = loadAssets();
  const views = createViewEngine({
    cache: config.env !== 'development',
    globals: { asset: assets.url, baseUrl: config.baseUrl, devMail: !config.isProduction && !config.smtpUrl },
  });
  const ctx: Context = {
    config,
    db: deps.db,
    views,
    logger: deps.logger,
    now: deps.now ?? (() => new Date()),
    notifyOutbox: deps.notifyOutbox ?? (() => {}),
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.locals.views = views;

  app.use(
    pinoHttp({
      logger: deps.logger,
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: redactUrl(req.url) }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
      autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/assets/') || req.url === '/healthz' },
    }),
  );
  app.use(securityHeaders(config));
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.use(assets.serve);
  app.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50, verify: verifyFormEncoding }));

  app.use(letterRoutes(ctx));
  app.use(signatureRoutes(ctx));
  if (!config.isProduction && !config.smtpUrl) app.use(devMailRoutes(ctx));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return { app, ctx };
}

import express from 'express';
import { createContext, type Context, type ContextDeps } from './context.js';
import { loadAssets } from './web/assets.js';
import { createErrorHandler, notFoundHandler } from './web/error-handler.js';
import { requestLog } from './web/request-log.js';
import { speakTheReadersLanguage } from './web/language.js';
import { refuseNulInAddress, securityHeaders, verifyFormEncoding } from './web/security.js';
import { requireCsrf } from './organisers/index.js';
import { givenBackLetterPageModel } from './signatories/index.js';
import { mailHealth } from './mail/index.js';
import { letterRoutes } from './letters/routes.js';
import { devMailRoutes } from './mail/dev-routes.js';
import { privacyAdminRoutes } from './privacy/admin-routes.js';
import { privacyRoutes } from './privacy/routes.js';
import { blockAdminRoutes } from './abuse/admin-routes.js';
import { auditRoutes } from './audit/routes.js';
import { exportAdminRoutes } from './exports/admin-routes.js';
import { letterAdminRoutes } from './letters/admin-routes.js';
import { translationAdminRoutes } from './letters/translation-admin-routes.js';
import { organiserRoutes } from './organisers/routes.js';
import { publicApiRoutes } from './signatories/api-routes.js';
import { signatoryRoutes } from './signatories/routes.js';
import { moderationRoutes } from './moderation/routes.js';
import { organisationAdminRoutes } from './organisations/admin-routes.js';
import { signatureRoutes } from './signatures/routes.js';
import { partnerAdminRoutes } from './partners/admin-routes.js';
import { partnerEmbedRoutes } from './partners/embed-routes.js';
import { insightsAdminRoutes } from './insights/admin-routes.js';
import { endorsementAdminRoutes } from './endorsements/admin-routes.js';
import { endorsementRoutes } from './endorsements/routes.js';
import { printableDossierRoutes } from './dossier/printable-routes.js';
import { updateAdminRoutes, updateRoutes } from './updates/index.js';
import { verifiableListRoutes } from './dossier/verifiable-list-routes.js';
import { deliveryAdminRoutes } from './dossier/delivery-routes.js';

export type AppDeps = ContextDeps;

/** Builds the Express app without listening, so tests drive it in-process. */
export function createApp(deps: AppDeps): { app: express.Express; ctx: Context } {
  const { config } = deps;
  const assets = loadAssets();
  const ctx = createContext(deps, assets);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.locals.views = ctx.views;

  app.use(requestLog(deps.logger));
  // First, so that every answer (an error page too) is in the reader's language.
  app.use(speakTheReadersLanguage);
  app.use(securityHeaders(config));
  app.use(refuseNulInAddress);
  // Reads no database: it answers while another process holds the write lock.
  app.get('/healthz', (_req, res) => {
    const health = mailHealth(ctx.mailWorkerState(), ctx.mailOutage(), ctx.now());
    res.setHeader('Cache-Control', 'no-store');
    res.status(health.ok ? 200 : 503).json(health);
  });
  app.use(assets.serve);
  // Letter texts run to tens of kilobytes; only the letter form gets room for them, every other
  // form stays under the tight default below.
  app.post(['/admin/letters', '/admin/letters/:slug'], express.urlencoded({ extended: false, limit: '512kb', parameterLimit: 50, verify: verifyFormEncoding }));
  // An update's text runs to 20,000 characters (up to 9 bytes each once percent-encoded).
  app.post(['/admin/letters/:slug/updates', '/admin/letters/:slug/updates/:id'], express.urlencoded({ extended: false, limit: '256kb', parameterLimit: 50, verify: verifyFormEncoding }));
  // A bulk moderation form sends one `ids` field per ticked row (up to 200 rows a page).
  app.post('/admin/letters/:slug/signatures/moderate', express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 250, verify: verifyFormEncoding }));
  app.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50, verify: verifyFormEncoding }));

  // The letter page and the list first: the busiest public pages are matched before anything else.
  app.use(signatoryRoutes(ctx));
  app.use(letterRoutes(ctx));
  app.use(signatureRoutes(ctx, givenBackLetterPageModel));
  app.use(partnerEmbedRoutes(ctx));
  app.use(endorsementRoutes(ctx));
  app.use(printableDossierRoutes(ctx));
  app.use(privacyRoutes(ctx));
  app.use(updateRoutes(ctx));
  app.use(verifiableListRoutes(ctx));
  // Every organiser form posts under /admin: a request with a live session must carry its CSRF token.
  app.use('/admin', requireCsrf(ctx));
  app.use(organiserRoutes(ctx));
  app.use(letterAdminRoutes(ctx));
  app.use(translationAdminRoutes(ctx));
  app.use(exportAdminRoutes(ctx));
  app.use(privacyAdminRoutes(ctx));
  app.use(auditRoutes(ctx));
  app.use(moderationRoutes(ctx));
  app.use(organisationAdminRoutes(ctx));
  app.use(blockAdminRoutes(ctx));
  app.use(partnerAdminRoutes(ctx));
  app.use(insightsAdminRoutes(ctx));
  app.use(endorsementAdminRoutes(ctx));
  app.use(updateAdminRoutes(ctx));
  app.use(deliveryAdminRoutes(ctx));
  app.use(publicApiRoutes(ctx));
  if (!config.isProduction && !config.smtpUrl) app.use(devMailRoutes(ctx));

  app.use(notFoundHandler);
  app.use(createErrorHandler(deps.logger));
  return { app, ctx };
}

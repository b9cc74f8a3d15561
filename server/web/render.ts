import type { Response } from 'express';
import { Eta } from 'eta';
import { projectPath } from '../lib/project-root.js';
import type { SentPage } from './page-cache.js';
import type { Translator } from './i18n.js';

export interface ViewEngine {
  /** Renders a template under views/ with `data` as `it`; autoescaped unless `<%~` is used. */
  render(template: string, data: Record<string, unknown>): string;
}

export function createViewEngine(options: { cache: boolean; globals: Record<string, unknown> }): ViewEngine {
  const eta = new Eta({ views: projectPath('views'), cache: options.cache, autoEscape: true, autoTrim: [false, 'nl'] });
  return {
    render: (template, data) => eta.render(template, { ...options.globals, ...data }),
  };
}

/** Renders and sends an HTML page: route handlers produce markup through this or sendPage. */
export function renderPage(res: Response, template: string, data: Record<string, unknown> = {}, status = 200): void {
  const views = res.app.locals.views as ViewEngine;
  res.status(status).type('html').send(views.render(template, { ...res.locals, ...data }));
}

/** The reader's words for a page title or message (see server/web/language.ts). */
export const wordsOf = (res: Response): Translator['t'] => res.locals.t as Translator['t'];

/** Sends a page rendered earlier (see PageCache) with the entity tag worked out with it. */
export function sendPage(res: Response, page: SentPage): void {
  res.setHeader('ETag', page.etag);
  res.status(200).type('html').send(page.body);
}

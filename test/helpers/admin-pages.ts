import { eq } from 'drizzle-orm';
import { auditEvents, signatures } from '../../server/db/schema.js';
import type { TestApp } from './app.js';

/** The ids of the queue rows on a page, in order. */
export const signatureIdsOnPage = (html: string): number[] => [...html.matchAll(/<tr data-signature-id="(\d+)"/g)].map((match) => Number(match[1]));

/** The href of the page's "next" link, with HTML entities undone. */
export const nextHref = (html: string): string | undefined => html.match(/<a href="([^"]+)" rel="next"/)?.[1]?.replaceAll('&amp;', '&');

/** The text of the status message at the top of an admin page. */
export const statusMessage = (html: string): string | undefined => html.match(/<div class="notice" role="status"><p>([^<]*)<\/p>/)?.[1]?.replaceAll('&#39;', "'");

export const signatureStates = async (t: Pick<TestApp, 'ctx'>, letterId: number) =>
  Object.fromEntries((await t.ctx.db.select({ id: signatures.id, state: signatures.state, featured: signatures.featured }).from(signatures).where(eq(signatures.letterId, letterId))).map((row) => [row.id, `${row.state}${row.featured ? '+featured' : ''}`]));

export const auditRows = async (t: Pick<TestApp, 'ctx'>, action: string) => (await t.ctx.db.select().from(auditEvents).where(eq(auditEvents.action, action)));

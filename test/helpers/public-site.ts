import request, { type Response } from 'supertest';
import { afterAll, beforeAll } from 'vitest';
import { buildTestApp, type TestApp } from './app.js';
import { buildLetter, postSignature, signForm, tokenFromOutbox } from './factories.js';

export interface Visit {
  label: string;
  method: string;
  path: string;
  res: Response;
}

/**
 * Walks every public page and outcome a signer or a stranger can reach: pages, the sign, confirm
 * and withdraw flow, and each refusal (400, 403, 404, 409, 410, 413, 415, 422, 429). The
 * header and cookie tests assert over all of them, so a new page is covered by adding it here.
 */
export async function visitPublicSite(env: Record<string, string> = {}): Promise<{ t: TestApp; visits: Visit[] }> {
  const t = await buildTestApp({ env: { TOKEN_LIMIT_PER_HOUR: '6', ...env } });
  const letter = await buildLetter(t.ctx, { moderation: 'post' });
  const closed = await buildLetter(t.ctx, { status: 'closed' });
  const visits: Visit[] = [];
  const visit = async (label: string, pending: request.Test): Promise<Response> => {
    const res = await pending;
    visits.push({ label, method: pending.method, path: new URL(pending.url).pathname, res });
    return res;
  };
  const app = () => request(t.app);

  await visit('home', app().get('/'));
  await visit('health check', app().get('/healthz'));
  const page = await visit('letter', app().get(`/letters/${letter.slug}`));
  const stylesheet = /href="(\/assets\/site\.[0-9a-f]+\.css)"/.exec(page.text)?.[1] ?? '/assets/missing.css';
  await visit('stylesheet', app().get(stylesheet));
  await visit('closed letter', app().get(`/letters/${closed.slug}`));
  // No partner registered for the ref: like every other page, no site may frame it.
  await visit('embed sign form, no registered partner', app().get(`/letters/${letter.slug}/embed/sign?ref=nobody`));
  // As a browser does: the form's stamp comes back after the person has taken time to fill it in.
  t.clock.advance(10_000);
  await visit('sign', postSignature(t.app, letter.slug, signForm({ email: 'visitor@example.org', stamp: stampFrom(page.text) })));
  await visit('check your email', app().get(`/letters/${letter.slug}/check-your-email`));
  const confirmToken = await tokenFromOutbox(t.ctx, 'visitor@example.org', 'confirm');
  await visit('confirm page', app().get(`/signatures/confirm/${confirmToken}`));
  await visit('confirm', app().post(`/signatures/confirm/${confirmToken}`));
  const withdrawToken = await tokenFromOutbox(t.ctx, 'visitor@example.org', 'withdraw');
  await visit('withdraw page', app().get(`/signatures/withdraw/${withdrawToken}`));
  await visit('withdraw', app().post(`/signatures/withdraw/${withdrawToken}`));
  await visit('confirm link after withdrawal (404)', app().post(`/signatures/confirm/${confirmToken}`));
  await postSignature(t.app, letter.slug, signForm({ email: 'late@example.org', stamp: stampFrom(page.text) }));
  t.clock.advanceDays(8);
  await visit('expired confirm link (410)', app().post(`/signatures/confirm/${await tokenFromOutbox(t.ctx, 'late@example.org', 'confirm')}`));

  await visit('invalid form (422)', postSignature(t.app, letter.slug, signForm({ email: 'not an address' })));
  await visit('closed letter (409)', postSignature(t.app, closed.slug, signForm()));
  await visit('unknown page (404)', app().get('/no/such/page'));
  await visit('unknown letter (404)', app().get('/letters/no-such-letter'));
  await visit('unknown page as JSON (404)', app().get('/no/such/page').set('Accept', 'application/json'));
  await visit('bad percent-encoding in the path (400)', app().get('/letters/%E0%A4%A'));
  await visit('bad percent-encoding in the body (400)', app().post(`/letters/${letter.slug}/signatures`).type('form').send('name=%E0%A4%A&email=x%40example.org'));
  await visit('cross-site post (403)', app().post(`/letters/${letter.slug}/signatures`).set('Origin', 'https://evil.example').type('form').send(signForm()));
  await visit('oversized body (413)', postSignature(t.app, letter.slug, signForm({ comment: 'x'.repeat(20_000) })));
  await visit('JSON body (415)', app().post(`/letters/${letter.slug}/signatures`).send({ name: 'A', email: 'a@example.org' }));
  for (let i = 0; i < 10 && visits.at(-1)?.res.status !== 429; i += 1) {
    await visit('token guessing (404, then 429)', app().post(`/signatures/withdraw/${'B'.repeat(42)}${i}`));
  }
  return { t, visits };
}

/** The bot-check stamp in a page's sign form. */
export function stampFrom(html: string): string {
  const stamp = /name="stamp" value="([^"]+)"/.exec(html)?.[1];
  if (!stamp) throw new Error('no stamp in the sign form');
  return stamp;
}

/** The visits that answered with HTML. */
export const htmlVisits = (visits: Visit[]): Visit[] => visits.filter((visit) => /^text\/html/.test(String(visit.res.headers['content-type'])));

/** For a test file: visits the public site once before its tests and closes it after; returns the visits. */
export function visitPublicSiteOnce(env: Record<string, string> = {}): () => Visit[] {
  let site: { t: TestApp; visits: Visit[] } | undefined;
  beforeAll(async () => {
    site = await visitPublicSite(env);
  });
  afterAll(() => site?.t.close());
  return () => site?.visits ?? [];
}

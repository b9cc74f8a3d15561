import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyBlock } from '../../server/abuse/block-rules.js';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import type { LetterRow } from '../../server/letters/table.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { snapshotTables } from '../helpers/database.js';
import { buildLetter, buildSignature } from '../helpers/factories.js';
import { loginAs, type SignedIn } from '../helpers/organisers.js';
import { fillPath, listRoutes, type RouteInfo } from '../helpers/routes.js';

let t: TestApp;
let letter: LetterRow;
let owner: SignedIn;
let otherOwner: SignedIn;
let unsafeRoutes: RouteInfo[];
let pathValues: Record<string, string>;
beforeAll(async () => {
  t = await buildTestApp();
  letter = await buildLetter(t.ctx);
  const signature = await buildSignature(t.ctx, letter, { state: 'pending' });
  const rule = await applyBlock(t.ctx, { letterId: letter.id, kind: 'email_domain', value: 'spam.example', actor: SYSTEM_ACTOR });
  owner = await loginAs(t, 'owner');
  otherOwner = await loginAs(t, 'owner');
  // Real values where a route names one, so a handler that looked before checking would find something to change.
  pathValues = { slug: letter.slug, id: String(rule.ruleId), signatureId: String(signature.id) };
  unsafeRoutes = listRoutes(t.app).filter((route) => route.method !== 'GET' && route.method !== 'HEAD' && route.path.startsWith('/admin') && route.path !== '/admin/login');
});
afterAll(() => t.close());

describe('CSRF on every organiser form', () => {
  it('when the routes are read from the app, then every organiser form we know of is among them', () => {
    const listed = unsafeRoutes.map((route) => `${route.method} ${route.path}`);
    for (const known of ['POST /admin/logout', 'POST /admin/letters', 'POST /admin/letters/:slug', 'POST /admin/letters/:slug/status', 'POST /admin/organisers', 'POST /admin/organisers/role', 'POST /admin/organisers/remove', 'POST /admin/blocks', 'POST /admin/letters/:slug/blocks/preview', 'POST /admin/letters/:slug/blocks/:id/remove']) {
      expect(listed).toContain(known);
    }
  });

  const BAD_TOKENS: Array<[string, () => Record<string, string>]> = [
    ['no token', () => ({})],
    ['an empty token', () => ({ _csrf: '' })],
    ['a wrong token', () => ({ _csrf: owner.csrfToken.replace(/^./, (first) => (first === 'A' ? 'B' : 'A')) })],
    ["another session's token", () => ({ _csrf: otherOwner.csrfToken })],
  ];

  it.each(BAD_TOKENS)('when an owner posts to each organiser route with %s, then 403 csrf_invalid and nothing is stored', async (_case, token) => {
    const before = await snapshotTables(t);
    for (const route of unsafeRoutes) {
      const path = fillPath(route.path, pathValues);
      // Plausible fields, so that only the missing token can be the reason for refusing.
      const fields = { ...token(), kind: 'email_domain', value: 'other.example', status: 'closed', email: otherOwner.organiser.email, role: 'viewer', title: 'Changed', body: 'Changed', ids: '1', action: 'approve' };
      const res = await owner.agent[route.method.toLowerCase() as 'post'](path).set('Accept', 'application/json').type('form').send(fields);
      expect(res.status, `${route.method} ${path}`).toBe(403);
      expect(res.body, `${route.method} ${path}`).toEqual({ error: { id: 'csrf_invalid', message: expect.any(String) } });
    }
    expect(await snapshotTables(t)).toEqual(before);
    // The session survived every refused request, sign-out included.
    expect((await owner.agent.get('/admin')).status).toBe(200);
  });

  it('when the right token is sent in the query string instead of the form, then it is still refused', async () => {
    const res = await owner.agent.post(`/admin/letters/${letter.slug}/status?_csrf=${owner.csrfToken}`).set('Accept', 'application/json').type('form').send({ status: 'closed' });
    expect(res.status).toBe(403);
  });
});

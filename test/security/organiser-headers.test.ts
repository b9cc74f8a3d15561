import request, { type Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyBlock } from '../../server/abuse/block-rules.js';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildLetter, buildSignature } from '../helpers/factories.js';
import { createOrganiser, loginAs } from '../helpers/organisers.js';
import { fillPath, listRoutes } from '../helpers/routes.js';

interface Visit {
  label: string;
  res: Response;
}

let t: TestApp;
/** Every organiser page (read from the app's routes) as an owner sees it, and the sign-in page in each of its states. */
const adminPages: Visit[] = [];
const loginPages: Visit[] = [];
beforeAll(async () => {
  t = await buildTestApp({ env: { LOGIN_LIMIT_PER_ACCOUNT: '2', LOGIN_LIMIT_PER_IP: '0' } });
  const letter = await buildLetter(t.ctx);
  const signature = await buildSignature(t.ctx, letter, { state: 'pending' });
  const rule = await applyBlock(t.ctx, { letterId: letter.id, kind: 'cidr', value: '203.0.113.0/24', actor: SYSTEM_ACTOR });
  const owner = await loginAs(t, 'owner');
  const values = { slug: letter.slug, id: String(rule.ruleId), signatureId: String(signature.id) };
  for (const route of listRoutes(t.app).filter((candidate) => candidate.method === 'GET' && candidate.path.startsWith('/admin'))) {
    const path = fillPath(route.path, values);
    adminPages.push({ label: `GET ${path}`, res: await owner.agent.get(path) });
  }

  const { email } = await createOrganiser(t, 'viewer');
  const login = (fields: Record<string, string>) => request(t.app).post('/admin/login').type('form').send(fields);
  loginPages.push({ label: 'sign-in page', res: await request(t.app).get('/admin/login') });
  loginPages.push({ label: 'sign-in page with a return path', res: await request(t.app).get('/admin/login?next=%2Fadmin%2Fletters') });
  loginPages.push({ label: 'incomplete form (422)', res: await login({ email }) });
  loginPages.push({ label: 'wrong password (401)', res: await login({ email, password: 'wrong password' }) });
  loginPages.push({ label: 'unknown email (401)', res: await login({ email: 'nobody@organisers.example', password: 'wrong password' }) });
  await login({ email, password: 'wrong password' });
  loginPages.push({ label: 'throttled (429)', res: await login({ email, password: 'wrong password' }) });
});
afterAll(() => t.close());

const isHtml = (res: Response): boolean => /^text\/html/.test(String(res.headers['content-type']));

describe('organiser pages', () => {
  it('when the routes are read from the app, then the pages we know of are among those visited, and all answered', () => {
    const labels = adminPages.map((visit) => visit.label);
    for (const path of ['/admin', '/admin/letters', '/admin/organisers', '/admin/audit', '/admin/blocks']) expect(labels).toContain(`GET ${path}`);
    expect(labels.some((label) => /^GET \/admin\/letters\/[^/]+\/blocks$/.test(label))).toBe(true);
    for (const { label, res } of adminPages) expect(res.status, label).toBeLessThan(500);
    expect(adminPages.filter((visit) => visit.res.status === 200).length).toBeGreaterThanOrEqual(8);
  });

  it('when any organiser page is sent, then no cache may keep it (names, emails, moderation state)', () => {
    for (const { label, res } of [...adminPages, ...loginPages]) expect(res.headers['cache-control'], label).toBe('no-store');
  });

  it('when any organiser page or the sign-in page is sent, then no other site may frame it', () => {
    for (const { label, res } of [...adminPages, ...loginPages]) {
      expect(res.headers['x-frame-options'], label).toBe('DENY');
      expect(String(res.headers['content-security-policy']), label).toMatch(/(^|;)\s*frame-ancestors 'none'\s*(;|$)/);
    }
  });

  it('when an organiser page is rendered, then it has no inline script, style or event handler the CSP would block', () => {
    for (const { label, res } of [...adminPages, ...loginPages].filter((visit) => isHtml(visit.res))) {
      expect(res.text, label).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
      expect(res.text, label).not.toMatch(/<style[\s>]|\sstyle\s*=|\son[a-z]+\s*=/i);
    }
  });

  it('when the sign-in page answers in any state, then it sets no cookie, and tells search engines to stay away', () => {
    expect(loginPages.map((visit) => visit.res.status)).toEqual([200, 200, 422, 401, 401, 429]);
    for (const { label, res } of loginPages) {
      expect(res.headers['set-cookie'], label).toBeUndefined();
      expect(res.text, label).toContain('<meta name="robots" content="noindex');
    }
  });

  it('when a signed-in organiser moves between pages, then the session cookie is not sent again', () => {
    for (const { label, res } of adminPages) expect(res.headers['set-cookie'], label).toBeUndefined();
  });
});

import { desc, eq } from 'drizzle-orm';
import request from 'supertest';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { first } from '../../server/db/database.js';
import { sessions } from '../../server/db/schema.js';
import { addOrganiser, type OrganiserSummary } from '../../server/organisers/accounts.js';
import type { OrganiserRole } from '../../server/organisers/table.js';
import type { Page } from 'playwright-core';
import type { TestApp } from './app.js';

let sequence = 0;

export const TEST_PASSWORD = 'correct horse battery staple';

/** An organiser created through the accounts service (so the password is really hashed). */
export function createOrganiser(t: Pick<TestApp, 'ctx'>, role: OrganiserRole = 'owner', overrides: { email?: string; name?: string; password?: string } = {}): Promise<OrganiserSummary> {
  sequence += 1;
  return addOrganiser(
    t.ctx,
    { email: overrides.email ?? `${role}${sequence}@organisers.example`, name: overrides.name ?? `Test ${role} ${sequence}`, role, password: overrides.password ?? TEST_PASSWORD },
    SYSTEM_ACTOR,
  );
}

export interface SignedIn {
  /** A supertest agent that keeps the session cookie. */
  agent: ReturnType<typeof request.agent>;
  /** Put it in every POST: `agent.post(url).type('form').send({ _csrf: csrfToken, ... })`. */
  csrfToken: string;
  organiser: OrganiserSummary;
  password: string;
  /** Posts a form as this organiser, with the session's CSRF token. */
  post(path: string, fields?: Record<string, string | string[]>): request.Test;
}

/**
 * Creates an organiser with `role` and signs in through the real /admin/login form.
 *
 *     const { agent, csrfToken } = await loginAs(t, 'moderator');
 *     await agent.post('/admin/...').type('form').send({ _csrf: csrfToken, ... }).expect(303);
 */
export async function loginAs(t: Pick<TestApp, 'app' | 'ctx'>, role: OrganiserRole = 'owner', overrides: { email?: string; name?: string; password?: string } = {}): Promise<SignedIn> {
  const password = overrides.password ?? TEST_PASSWORD;
  const organiser = await createOrganiser(t, role, { ...overrides, password });
  const agent = request.agent(t.app);
  const res = await agent.post('/admin/login').type('form').send({ email: organiser.email, password });
  if (res.status !== 303) throw new Error(`sign-in as ${role} failed with ${res.status}`);
  const csrfToken = await newestCsrfToken(t, organiser.id);
  if (csrfToken === undefined) throw new Error('no session row after sign-in');
  return { agent, csrfToken, organiser, password, post: (path, fields = {}) => agent.post(path).type('form').send({ _csrf: csrfToken, ...fields }) };
}

/** The CSRF token of the organiser's newest session: what the forms of the pages they open carry. */
export const newestCsrfToken = async (t: Pick<TestApp, 'ctx'>, organiserId: number): Promise<string | undefined> =>
  (await first(t.ctx.db.select({ csrfToken: sessions.csrfToken }).from(sessions).where(eq(sessions.organiserId, organiserId)).orderBy(desc(sessions.createdAt))))?.csrfToken;

/** Signs in through the /admin/login form in a browser page; the page's context keeps the session. */
export async function signInInBrowser(page: Page, base: string, organiser: { email: string }, password = TEST_PASSWORD): Promise<void> {
  await page.goto(`${base}/admin/login`);
  await page.getByLabel('Email address').fill(organiser.email);
  await page.getByLabel('Password').fill(password);
  await Promise.all([page.waitForURL(`${base}/admin`), page.getByRole('button', { name: 'Sign in' }).click()]);
}

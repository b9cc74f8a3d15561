import type request from 'supertest';
import { beforeEach } from 'vitest';
import type { OrganiserSummary } from '../../server/organisers/accounts.js';
import type { OrganiserRole } from '../../server/organisers/table.js';
import { appPerTest, type TestAppOptions, type LiveTestApp } from './app.js';
import { loginAs, type SignedIn } from './organisers.js';

/** An organiser signed in to the app of the test that is running. */
export interface SignedInFixture extends SignedIn {
  /** The app of the test that is running (the one `appPerTest()` gives). */
  readonly t: LiveTestApp;
}

/**
 * For a test file whose tests all act as one organiser: a new app for every test (closed after
 * it) with an organiser of `role` signed in through the real /admin/login form. Call it once at
 * the top of the file:
 *
 *     const owner = signedInAs('owner');
 *     const { t } = owner;
 *     await owner.post('/admin/letters', { title: 'A letter', ... }).expect(303);
 *
 * Tests that need other organisers as well sign them in with `loginAs(t, role)`.
 */
export function signedInAs(role: OrganiserRole, options: { app?: TestAppOptions | (() => TestAppOptions); organiser?: { email?: string; name?: string; password?: string } } = {}): SignedInFixture {
  const t = appPerTest(options.app);
  let signedIn: SignedIn | undefined;
  beforeEach(async () => {
    signedIn = undefined;
    signedIn = await loginAs(t, role, options.organiser);
  });
  const current = (): SignedIn => {
    if (!signedIn) throw new Error(`the ${role} of signedInAs() is signed in only while a test runs`);
    return signedIn;
  };
  return {
    t,
    get agent(): ReturnType<typeof request.agent> {
      return current().agent;
    },
    get csrfToken(): string {
      return current().csrfToken;
    },
    get organiser(): OrganiserSummary {
      return current().organiser;
    },
    get password(): string {
      return current().password;
    },
    post: (path, fields) => current().post(path, fields),
  };
}

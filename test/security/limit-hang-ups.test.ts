import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { signatures } from '../../server/db/schema.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildLetter, signForm } from '../helpers/factories.js';
import { waitFor } from '../helpers/wait.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Posts a sign form and hangs up after `ms`, before the answer (which waits for SIGN_RESPONSE_MS). */
function signAndHangUp(port: number, slug: string, email: string, ms: number): Promise<void> {
  const body = new URLSearchParams(signForm({ email })).toString();
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: `/letters/${slug}/signatures`, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } });
    req.on('error', () => resolve());
    req.end(body);
    setTimeout(() => {
      req.destroy();
      resolve();
    }, ms);
  });
}

describe('a signer who hangs up before the answer', () => {
  it('when one address sends more signatures than its limit and drops every connection before the answer, then no more than the limit are stored', async () => {
    t = await buildTestApp({ env: { SIGN_LIMIT_PER_MINUTE: '3', SIGN_RESPONSE_MS: '400' } });
    const letter = await buildLetter(t.ctx);
    const server = t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      for (let i = 0; i < 8; i += 1) await signAndHangUp(port, letter.slug, `hang-up-${i}@example.org`, 150);
      // Every request has been handled (stored or refused) once the last one's answer would have gone.
      await new Promise((resolve) => setTimeout(resolve, 600));
      await waitFor(async () => (await t!.ctx.db.select().from(signatures)).length >= 3);
      expect((await t.ctx.db.select().from(signatures)).length).toBe(3);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

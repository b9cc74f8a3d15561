import type { ParsedMail } from 'mailparser';
import pino from 'pino';
import { createApp } from '../../server/app.js';
import type { Context } from '../../server/context.js';
import type { Database } from '../../server/db/database.js';
import { testDatabaseEnv } from './app.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { TestClock } from './clock.js';
import { testConfig } from './config.js';
import { tokenFromOutbox } from './factories.js';
import { startSmtpPeer, type SmtpPeer } from './smtp.js';

export interface TestSite {
  running: RunningServer;
  /** A Context on the same database and clock, for calling use cases and factories directly. */
  ctx: Context;
  /** http://127.0.0.1:PORT, where a browser reaches the server. */
  url: string;
  db: Database;
  clock: TestClock;
  /** Present when the site delivers mail over SMTP; without it mail stays in the /dev/mail outbox. */
  peer: SmtpPeer | undefined;
  /** The same path on this server: mail links carry BASE_URL, which has no port in tests. */
  local(link: string): string;
  /** The newest mail the SMTP peer received for `address` (whose subject holds `subject`, if given), waiting until one arrives. */
  mailTo(address: string, timeoutMs?: number, subject?: string): Promise<ParsedMail>;
  close(): Promise<void>;
}

/**
 * The real server (`startServer`) on 127.0.0.1 port 0 with the demo letter, a fresh SQLite file
 * and a clock the test moves; with `smtp`, mail goes to a real SMTP peer on loopback.
 */
export async function startTestSite(options: { smtp?: boolean; env?: Record<string, string> } = {}): Promise<TestSite> {
  const peer = options.smtp ? await startSmtpPeer() : undefined;
  const clock = new TestClock(Date.now());
  const config = testConfig({ ...(await testDatabaseEnv()), PORT: '0', SEED_DEMO_LETTER: 'yes', ...(peer ? { SMTP_URL: peer.url } : {}), ...options.env });
  const logger = pino({ level: 'silent' });
  const running = await startServer(config, logger, { now: clock.now, pollMs: 50 });
  const { ctx } = createApp({ config, db: running.database, logger, now: clock.now, notifyOutbox: running.worker.notify });
  return {
    running,
    ctx,
    url: running.url,
    db: running.database,
    clock,
    peer,
    local: (link) => {
      const { pathname, search } = new URL(link, running.url);
      return `${running.url}${pathname}${search}`;
    },
    mailTo: async (address, timeoutMs = 10_000, subject = '') => {
      if (!peer) throw new Error('this site keeps mail in the outbox; start it with { smtp: true }');
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mail = peer.messages.findLast((message) => message.to && [message.to].flat().some((to) => to.text.includes(address)) && (message.subject ?? '').includes(subject));
        if (mail) return mail;
        if (Date.now() > deadline) throw new Error(`no mail to ${address}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: async () => {
      await running.stop();
      await peer?.close();
    },
  };
}

/** Signs and confirms through the public HTTP routes, the way a person would, for pages that need signatories. */
export async function signAndConfirm(site: TestSite, slug: string, fields: Record<string, string> & { email: string }): Promise<void> {
  const signed = await fetch(`${site.url}/letters/${slug}/signatures`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
  if (signed.status !== 303) throw new Error(`signing as ${fields.email} answered ${signed.status}`);
  const token = await tokenFromOutbox(site, fields.email, 'confirm');
  const confirmed = await fetch(`${site.url}/signatures/confirm/${token}`, { method: 'POST', redirect: 'manual' });
  if (confirmed.status !== 200) throw new Error(`confirming ${fields.email} answered ${confirmed.status}`);
}

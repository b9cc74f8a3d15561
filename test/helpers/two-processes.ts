import type { AddressObject } from 'mailparser';
import request from 'supertest';
import { ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ABUSE_LIMITS_OFF } from '../../server/config.js';
import { openMigratedDatabase } from '../../server/db/client.js';
import type { Database } from '../../server/db/database.js';
import { outbox, signatures } from '../../server/db/schema.js';
import type { LetterRow } from '../../server/letters/table.js';
import { killAppProcesses, startAppProcess } from './app-process.js';
import { testConfig } from './config.js';
import { buildLetter, signForm } from './factories.js';
import { linkIn, startSmtpPeer, type SmtpPeer } from './smtp.js';
import { waitFor } from './wait.js';

const LIMIT = 3;
const SIGNERS = 10;

const recipientOf = (to: AddressObject | AddressObject[] | undefined): string => (Array.isArray(to) ? to[0] : to)?.value[0]?.address ?? '';

/** Server processes on one database: requests are spread over `urls` in turn. */
export interface RunningApps {
  urls: string[];
  stop(): Promise<void>;
}

export interface AppsContext {
  letter(): LetterRow;
  db(): Database;
}

/**
 * Real server processes (server/main.ts, each its own Node.js) on one database, all sending mail
 * to one SMTP peer: what issue 16 asks of several processes sharing one truth. `databaseEnv`
 * names a fresh database of the engine under test; `startApps` starts the processes with the
 * environment it is given; `moreTests` adds tests that see the same letter and database.
 */
export function describeAppsOnOneDatabase(title: string, databaseEnv: () => Promise<Record<string, string>>, startApps: (env: Record<string, string>) => Promise<RunningApps>, moreTests?: (context: AppsContext) => void): void {
  describe(title, () => {
    let peer: SmtpPeer;
    let db: Database;
    let letter: LetterRow;
    let apps: RunningApps;
    const through = (i: number) => apps.urls[i % apps.urls.length] as string;
    // A connection of its own per request: in a cluster each new connection goes to the next worker.
    const sign = (url: string, clientIp: string, email: string) =>
      request(url).post(`/letters/${letter.slug}/signatures`).set('Connection', 'close').set('X-Forwarded-For', clientIp).type('form').send(signForm({ email }));
    const countOn = async (url: string): Promise<number> => {
      const page = await request(url).get(`/letters/${letter.slug}`).set('Connection', 'close').expect(200);
      const shown = page.text.match(/id="signature-count"[^>]*><strong>([\d,]+)<\/strong>/)?.[1];
      return Number(shown?.replaceAll(',', ''));
    };

    beforeAll(async () => {
      peer = await startSmtpPeer();
      const env = await databaseEnv();
      db = await openMigratedDatabase(testConfig(env));
      letter = await buildLetter({ db, now: () => new Date() }, { moderation: 'post' });
      apps = await startApps({ ...env, ...ABUSE_LIMITS_OFF, SIGN_LIMIT_PER_MINUTE: String(LIMIT), TRUST_PROXY: '1', SMTP_URL: peer.url, JOBS_INTERVAL_MINUTES: '0', BASE_URL: 'http://127.0.0.1' });
    }, 90_000);

    afterAll(async () => {
      await apps?.stop();
      // Those a failed start left behind.
      await killAppProcesses();
      await db?.close();
      await peer?.close();
    });

    it('when one client address signs through every process in turn, then together they let the per-address limit through, not more', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 2 * LIMIT; i += 1) statuses.push((await sign(through(i), '198.51.100.1', `limit${i}@example.org`)).status);
      expect(statuses).toEqual([...Array<number>(LIMIT).fill(303), ...Array<number>(LIMIT).fill(429)]);
    });

    it('when the mail workers of every process run, then every signer is stored and every confirmation mail is sent exactly once', async () => {
      const answers = await Promise.all(Array.from({ length: SIGNERS }, (_, i) => sign(through(i), `203.0.113.${10 + i}`, `signer${i}@example.org`)));
      expect(answers.map((res) => res.status)).toEqual(Array<number>(SIGNERS).fill(303));
      const expected = LIMIT + SIGNERS;
      expect(await db.$count(signatures)).toBe(expected);
      await waitFor(async () => (await db.$count(outbox, ne(outbox.state, 'sent'))) === 0 && peer.messages.length >= expected, 20_000);
      // One more poll of each worker: a mail sent twice would arrive now.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const recipients = peer.messages.map((mail) => recipientOf(mail.to));
      expect(recipients).toHaveLength(expected);
      expect(new Set(recipients).size).toBe(expected);
      expect(await db.$count(outbox)).toBe(expected);
    });

    it('when a signature is confirmed through one process, then the letter page of the others counts it', async () => {
      const before = await countOn(through(0));
      const mail = peer.messages.find((message) => recipientOf(message.to) === 'limit0@example.org');
      if (!mail) throw new Error('no confirmation mail to limit0@example.org');
      const { pathname } = new URL(linkIn(mail, /\/signatures\/confirm\//));
      await request(through(1)).post(pathname).set('Connection', 'close').type('form').send({}).expect(200);
      expect(await countOn(through(0))).toBe(before + 1);
      expect(await countOn(through(1))).toBe(before + 1);
    });

    moreTests?.({ letter: () => letter, db: () => db });
  });
}

/** Two real server processes, each listening on a port of its own. */
export function describeTwoProcesses(engine: string, databaseEnv: () => Promise<Record<string, string>>): void {
  describeAppsOnOneDatabase(`two app processes on one ${engine} database`, databaseEnv, async (env) => {
    const [a, b] = await Promise.all([startAppProcess(env), startAppProcess(env)]);
    return { urls: [a.url, b.url], stop: async () => void (await Promise.all([a.kill(), b.kill()])) };
  });
}

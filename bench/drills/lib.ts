import { count } from 'drizzle-orm';
import { isSqlite, openDatabase } from '../../server/db/client.js';
import { outbox, signatures } from '../../server/db/schema.js';
import { BENCH_LETTER } from '../lib/datasets.js';

export interface SigningOutcome {
  /** Emails whose POST was answered 303: each must be in the database. */
  accepted: string[];
  statuses: Record<string, number>;
  /** Requests that got no HTTP answer (connection refused or reset). */
  unanswered: number;
}

let sequence = 0;

/** Sends sign POSTs with distinct emails from `concurrency` loops until `stop()` returns true. */
export async function signingLoad(
  baseUrl: () => string,
  options: { concurrency: number; stop: () => boolean; email?: () => string; onAccepted?: (email: string, at: number) => void },
): Promise<SigningOutcome> {
  const outcome: SigningOutcome = { accepted: [], statuses: {}, unanswered: 0 };
  const worker = async () => {
    while (!options.stop()) {
      sequence += 1;
      const email = options.email?.() ?? `drill.${process.pid}.${sequence}@drill.example`;
      const body = new URLSearchParams({ name: `Drill Signer ${sequence}`, email, organisation: 'Drill Org', public: 'yes' });
      try {
        const res = await fetch(`${baseUrl()}/letters/${BENCH_LETTER}/signatures`, { method: 'POST', body, redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        await res.arrayBuffer();
        outcome.statuses[res.status] = (outcome.statuses[res.status] ?? 0) + 1;
        if (res.status === 303) {
          outcome.accepted.push(email);
          options.onAccepted?.(email, performance.now());
        }
      } catch {
        outcome.unanswered += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return outcome;
}

/** What a drill's database holds afterwards: every signer's key, the outbox by state, and SQLite's check of the file. */
export async function inspectDatabase(path: string) {
  const db = openDatabase({ databasePath: path, databaseUrl: undefined, databasePoolSize: 1 });
  try {
    const emails = new Set((await db.select({ email: signatures.emailKey }).from(signatures)).map((row) => row.email));
    const mails = await db.select({ state: outbox.state, n: count() }).from(outbox).groupBy(outbox.state);
    const integrity = isSqlite(db) ? db.connection.pragma('integrity_check', { simple: true }) : 'ok';
    return { emails, outbox: Object.fromEntries(mails.map((row) => [row.state, row.n])) as Record<string, number>, integrity };
  } finally {
    await db.close();
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await sleep(everyMs);
  }
  return condition();
}

/** One line per drill: PASS/FAIL, the name and the counts that decided it. */
export function verdict(name: string, pass: boolean, counts: Record<string, unknown>): boolean {
  const details = Object.entries(counts).map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`).join(' ');
  console.log(`${pass ? 'PASS' : 'FAIL'} ${name}: ${details}`);
  return pass;
}

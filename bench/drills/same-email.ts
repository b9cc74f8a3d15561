import { count, eq } from 'drizzle-orm';
import { openDatabase } from '../../server/db/client.js';
import { first } from '../../server/db/database.js';
import { outbox, signatures } from '../../server/db/schema.js';
import { BENCH_LETTER, freshDatabasePath } from '../lib/datasets.js';
import { startApp } from '../lib/processes.js';
import { verdict } from './lib.js';

/** A thousand simultaneous submissions of one address to one letter make exactly one signature. */
export async function sameEmailDrill(): Promise<boolean> {
  const databasePath = freshDatabasePath();
  const app = await startApp(databasePath);
  const body = new URLSearchParams({ name: 'Same Person', email: 'same.person@drill.example' }).toString();
  const statuses: Record<string, number> = {};
  await Promise.all(
    Array.from({ length: 1000 }, async () => {
      try {
        const res = await fetch(`${app.url}/letters/${BENCH_LETTER}/signatures`, { method: 'POST', body, redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        await res.arrayBuffer();
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      } catch {
        statuses.unanswered = (statuses.unanswered ?? 0) + 1;
      }
    }),
  );
  await app.stop();
  const db = openDatabase({ databasePath, databaseUrl: undefined, databasePoolSize: 1 });
  const rows = (await first(db.select({ n: count() }).from(signatures).where(eq(signatures.emailKey, 'same.person@drill.example'))))?.n ?? 0;
  const mails = (await first(db.select({ n: count() }).from(outbox).where(eq(outbox.toAddress, 'same.person@drill.example'))))?.n ?? 0;
  await db.close();
  return verdict('same-email', rows === 1 && statuses['303'] === 1000 && mails <= 5, { rows, mails, statuses });
}

import { first } from '../../server/db/database.js';
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { auditEvents, signatures } from '../../server/db/schema.js';
import { appPerTest, databaseEnv } from '../helpers/app.js';
import { runCliCommand } from '../helpers/cli.js';
import { buildLetter, buildSignature, reloadLetter } from '../helpers/factories.js';

// The command runs on the real clock, so the rows are dated against it.
const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (days: number): Date => new Date(Date.now() - days * DAY);

const t = appPerTest();
let env: Record<string, string>;
beforeEach(() => {
  env = databaseEnv(t.config);
});

describe('undersigned privacy', () => {
  it('when run, then due rows are deleted and the summary printed; run again, then nothing is left to do', async () => {
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { signedAt: daysAgo(31) });
    await buildSignature(t.ctx, letter, { signedAt: daysAgo(2) });
    await buildSignature(t.ctx, letter, { state: 'approved', signedAt: daysAgo(100), ipHash: 'h', ipNetwork: 'n' });

    const first = await runCliCommand(['privacy', 'run'], env);
    const second = await runCliCommand(['privacy', 'run'], env);

    expect(first).toMatchObject({ code: 0, stdout: '1 unconfirmed signature deleted, 0 withdrawn instead to keep a rejection, with 0 mails; 1 address hash dropped, and 0 block rules by address hash\n' });
    expect(second).toMatchObject({ code: 0, stdout: '0 unconfirmed signatures deleted, 0 withdrawn instead to keep a rejection, with 0 mails; 0 address hashes dropped, and 0 block rules by address hash\n' });
    expect(await t.ctx.db.select().from(signatures)).toHaveLength(2);
    expect((await reloadLetter(t.ctx, letter.slug)).countUnconfirmed).toBe(1);
  });

  it('when asked to anonymise, then an open letter is refused and one closed long enough is anonymised', async () => {
    const open = await buildLetter(t.ctx);
    const closed = await buildLetter(t.ctx, { closesAt: daysAgo(31) });
    await buildSignature(t.ctx, open, { state: 'approved' });
    await buildSignature(t.ctx, closed, { state: 'approved', name: 'Named Person' });

    const refused = await runCliCommand(['privacy', 'anonymise', open.slug], env);
    const done = await runCliCommand(['privacy', 'anonymise', closed.slug], env);

    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('undersigned privacy: Only a closed letter can be anonymised. Close the letter first.\n');
    expect(done).toMatchObject({ code: 0, stdout: `${closed.slug}: 1 signature anonymised, 0 mails deleted\n` });
    expect((await first(t.ctx.db.select().from(signatures).where(eq(signatures.letterId, closed.id))))?.name).toBe('');
    expect((await first(t.ctx.db.select().from(auditEvents).where(eq(auditEvents.action, 'letter.anonymise'))))?.actor).toBe('cli');
  });

  it('when asked to erase an address, then its signatures are erased; a bad command line is one line of usage', async () => {
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { state: 'approved', email: 'gone@example.org' });

    const erased = await runCliCommand(['privacy', 'erase', 'GONE@example.org'], env);
    const usage = await runCliCommand(['privacy', 'erase'], env);

    expect(erased).toMatchObject({ code: 0, stdout: '1 signature erased, 0 mails deleted\n' });
    expect(await reloadLetter(t.ctx, letter.slug)).toMatchObject({ countApproved: 0, countWithdrawn: 1 });
    expect(usage).toMatchObject({ code: 1, stderr: 'undersigned privacy: Usage: undersigned privacy run | anonymise SLUG | erase EMAIL\n' });
  });
});

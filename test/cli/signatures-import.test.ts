import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { signatures } from '../../server/db/schema.js';
import { createSmtpTransport } from '../../server/mail/transport.js';
import { auditRows } from '../helpers/admin-pages.js';
import { buildTestApp, databaseEnv, type TestApp } from '../helpers/app.js';
import { runCliCommand, runCliProcess } from '../helpers/cli.js';
import { TestClock } from '../helpers/clock.js';
import { tempDir } from '../helpers/config.js';
import { buildLetter, buildSignature, outboxFor, reloadLetter } from '../helpers/factories.js';
import { closedAfterEach, linkIn, smtpSettingsFor, startSmtpPeer } from '../helpers/smtp.js';

const opened = closedAfterEach();

/** The command stamps rows with the real time, so the app's clock starts at it too (the worker sends what is due by its clock). */
async function appWithMail(): Promise<TestApp> {
  const peer = (opened.peer = await startSmtpPeer());
  return (opened.app = await buildTestApp({ transport: createSmtpTransport(smtpSettingsFor(peer.url)), clock: new TestClock(Date.now()) }));
}

const csvFile = (text: string | Buffer): string => {
  const path = join(tempDir('undersigned-import-'), 'signatories.csv');
  writeFileSync(path, text);
  return path;
};

const importCsv = (t: TestApp, slug: string, text: string | Buffer, ...options: string[]) => runCliCommand(['signatures', 'import', slug, csvFile(text), ...options], databaseEnv(t.config));

const letterRows = async (t: TestApp, letterId: number) => t.ctx.db.select().from(signatures).where(eq(signatures.letterId, letterId)).orderBy(signatures.id);

const GOOD = `name,email,organisation,role
Ada Lovelace,ada@example.org,Analytical Engines,Researcher
"Hopper, Grace",grace@example.org,"US Navy, ""Reserve""",Rear Admiral
Katherine Johnson,katherine@example.org,,
`;

describe('undersigned signatures import', () => {
  it('when every row is good, then each is stored unconfirmed and invited by mail at the real SMTP peer; nothing is listed until its owner confirms through the link', async () => {
    const t = await appWithMail();
    const letter = await buildLetter(t.ctx, { title: 'Keep encryption', moderation: 'post' });
    const result = await runCliProcess(['signatures', 'import', letter.slug, csvFile(GOOD), '--invited-by', 'The Digital Rights Coalition'], databaseEnv(t.config));
    expect(result).toMatchObject({ code: 0, stdout: `imported 3 signatories into ${letter.slug} (each invited to confirm); skipped 0 already signed\n` });

    const rows = await letterRows(t, letter.id);
    expect(rows.map((row) => [row.name, row.organisationText, row.title, row.state, row.source])).toEqual([
      ['Ada Lovelace', 'Analytical Engines', 'Researcher', 'unconfirmed', 'import'],
      ['Hopper, Grace', 'US Navy, "Reserve"', 'Rear Admiral', 'unconfirmed', 'import'],
      ['Katherine Johnson', '', '', 'unconfirmed', 'import'],
    ]);
    expect(await reloadLetter(t.ctx, letter.slug)).toMatchObject({ countListed: 0, countApproved: 0, countPending: 0 });
    expect((await request(t.app).get(`/letters/${letter.slug}/manifest.json`)).body).toMatchObject({ count: 0 });
    expect((await auditRows(t, 'signatures.import'))[0]).toMatchObject({ subject: `letter:${letter.slug}`, details: { rows: 3, invited: 3, skipped: 0 } });

    t.clock.advance(60_000);
    await t.worker.drain();
    const mails = await opened.peer!.waitForMessages(3);
    const ada = mails.find((mail) => mail.to && 'text' in mail.to && mail.to.text.includes('ada@example.org'))!;
    expect(ada.subject).toBe('You are invited to sign: Keep encryption');
    expect(ada.text).toContain('You are invited by The Digital Rights Coalition to sign the open letter "Keep encryption"');
    expect(ada.text).toContain('Ada Lovelace, Researcher, Analytical Engines');
    expect(ada.html).toContain('The Digital Rights Coalition');
    const confirmPath = new URL(linkIn(ada, /\/signatures\/confirm\/[\w-]{43}/)).pathname;

    await request(t.app).get(confirmPath).expect(200);
    await request(t.app).post(confirmPath).expect(200);
    expect(await reloadLetter(t.ctx, letter.slug)).toMatchObject({ countListed: 1 });
    const list = await request(t.app).get(`/letters/${letter.slug}/signatories`).expect(200);
    expect(list.text).toContain('Ada Lovelace');
    expect(list.text).not.toContain('Katherine Johnson');
  });

  it('when some rows are bad, then each is reported by line with its reason and nothing is stored or mailed', async () => {
    const t = await appWithMail();
    const letter = await buildLetter(t.ctx);
    const result = await importCsv(
      t,
      letter.slug,
      `name,email,organisation,role
Ada Lovelace,ada@example.org,Analytical Engines,Researcher
,nobody@example.org,,
Grace Hopper,not-an-address,,
Katherine Johnson,katherine@example.org,"${'x'.repeat(161)}",
Ada Again,ADA@example.org,,
`,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('4 rows cannot be imported, so nothing was:');
    expect(result.stderr).toMatch(/line 3: name: Enter your name/);
    expect(result.stderr).toMatch(/line 4: email: Enter an email address in the correct format/);
    expect(result.stderr).toMatch(/line 5: organisation: .*160/);
    expect(result.stderr).toContain('line 6: email: the same address as line 2');
    expect(await letterRows(t, letter.id)).toEqual([]);
    expect(await outboxFor(t.ctx)).toEqual([]);
    expect(await auditRows(t, 'signatures.import')).toEqual([]);
  });

  it.each([
    ['a header that does not name the columns', 'name,mail,organisation,role\nAda,ada@example.org,,\n', 'line 1: the header must name the columns name,email,organisation,role'],
    ['a row with too many fields', 'name,email,organisation,role\nAda,ada@example.org,,,extra\n', 'line 2'],
    ['an unclosed quote', 'name,email,organisation,role\n"Ada,ada@example.org,,\n', 'Quote Not Closed'],
    ['text that is not UTF-8', Buffer.from('name,email,organisation,role\nJos\xe9,jose@example.org,,\n', 'latin1'), 'not UTF-8'],
    ['an empty file', '', 'the file is empty'],
  ])('when the file has %s, then it is refused with a clear message and nothing is stored', async (_case, text, message) => {
    const t = await appWithMail();
    const letter = await buildLetter(t.ctx);
    const result = await importCsv(t, letter.slug, text);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('nothing was imported');
    expect(await letterRows(t, letter.id)).toEqual([]);
  });

  it('when the same file is imported again, or holds an address that already signed, then those rows are skipped and no address gets a second mail', async () => {
    const t = await appWithMail();
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { email: 'katherine@example.org', state: 'approved', name: 'Katherine J.' });
    expect((await importCsv(t, letter.slug, GOOD)).stdout).toContain('imported 2 signatories');
    const again = await importCsv(t, letter.slug, `${GOOD}New Person,new@example.org,,\n`);
    expect(again).toMatchObject({ code: 0, stdout: `imported 1 signatory into ${letter.slug} (each invited to confirm); skipped 3 already signed\n` });

    const mails = await outboxFor(t.ctx);
    expect(mails.map((mail) => mail.toAddress).sort()).toEqual(['ada@example.org', 'grace@example.org', 'new@example.org']);
    expect((await letterRows(t, letter.id)).find((row) => row.email === 'katherine@example.org')).toMatchObject({ name: 'Katherine J.', state: 'approved' });
  });

  it('when the letter is closed or unknown, then nothing is imported', async () => {
    const t = await appWithMail();
    const closed = await buildLetter(t.ctx, { status: 'closed' });
    const refused = await importCsv(t, closed.slug, GOOD);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('not accepting signatures');
    expect(await letterRows(t, closed.id)).toEqual([]);
    expect((await importCsv(t, 'no-such-letter', GOOD)).code).toBe(1);
  });
});

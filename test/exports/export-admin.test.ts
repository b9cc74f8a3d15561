import { eq } from 'drizzle-orm';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { auditEvents } from '../../server/db/schema.js';
import type { LetterRow } from '../../server/letters/table.js';
import { appPerTest } from '../helpers/app.js';
import { parseCsv } from '../helpers/csv.js';
import { buildLetter, buildSignature } from '../helpers/factories.js';
import { loginAs, type SignedIn } from '../helpers/organisers.js';
import { waitFor } from '../helpers/wait.js';

const t = appPerTest();
let letter: LetterRow;
beforeEach(async () => {
  letter = await buildLetter(t.ctx, { slug: 'keep-defensive-ai-open' });
  await buildSignature(t.ctx, letter, { state: 'approved', email: 'ada@example.org', name: '=Ada', affiliationVerified: true });
  await buildSignature(t.ctx, letter, { state: 'pending', email: 'grace@example.org', name: 'Grace' });
});

const DAY = 24 * 60 * 60 * 1000;
const csvPath = (query = '') => `/admin/letters/${letter.slug}/signatures.csv${query}`;

/** The raw bytes of a download, so a byte-order mark is seen as sent. */
const download = (agent: SignedIn['agent'] | ReturnType<typeof request>, path: string) =>
  (agent as ReturnType<typeof request.agent>)
    .get(path)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });

async function downloadCsv(who: SignedIn, query = '') {
  const res = await download(who.agent, csvPath(query));
  expect(res.status).toBe(200);
  const bytes = res.body as Buffer;
  return { res, bytes, rows: parseCsv(bytes.toString('utf8')) };
}

const exportEvents = async () => (await t.ctx.db.select().from(auditEvents).where(eq(auditEvents.action, 'export.csv')));

describe('downloading the signatures CSV', () => {
  it('when an owner downloads it, then every signature comes with its email address', async () => {
    const owner = await loginAs(t, 'owner');
    const { rows } = await downloadCsv(owner);
    expect(rows.map((row) => [row.name, row.email, row.state])).toEqual([
      ["'=Ada", 'ada@example.org', 'approved'],
      ['Grace', 'grace@example.org', 'pending'],
    ]);
  });

  it('when a moderator downloads it, then the email column is there and empty', async () => {
    const moderator = await loginAs(t, 'moderator');
    const { rows } = await downloadCsv(moderator);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toHaveProperty('email', '');
      expect(row.email_domain).toBe('example.org');
    }
  });

  it('when a viewer asks for it, then 403 and nothing is exported or audited', async () => {
    const viewer = await loginAs(t, 'viewer');
    const res = await viewer.agent.get(csvPath());
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-disposition']).toBeUndefined();
    expect(await exportEvents()).toEqual([]);
  });

  it('when nobody is signed in, then a browser is sent to sign in and a script gets 401', async () => {
    const res = await request(t.app).get(csvPath('?state=approved'));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/login?next=${encodeURIComponent(csvPath('?state=approved'))}`);
    expect((await request(t.app).get(csvPath()).set('Accept', 'application/json')).status).toBe(401);
    expect(await exportEvents()).toEqual([]);
  });

  it('when filters come in the query string, then only matching signatures are exported', async () => {
    await buildSignature(t.ctx, letter, { state: 'approved', name: 'Old approved', signedAt: new Date(t.clock.now().getTime() - 3 * DAY) });
    await buildSignature(t.ctx, letter, { state: 'approved', name: 'Unverified approved' });
    const owner = await loginAs(t, 'owner');
    const since = new Date(t.clock.now().getTime() - DAY).toISOString().slice(0, 10);
    expect((await downloadCsv(owner, '?state=approved')).rows.map((row) => row.name)).toEqual(["'=Ada", 'Old approved', 'Unverified approved']);
    expect((await downloadCsv(owner, `?state=approved&since=${since}`)).rows.map((row) => row.name)).toEqual(["'=Ada", 'Unverified approved']);
    expect((await downloadCsv(owner, `?state=approved&verified=yes&since=${since}`)).rows.map((row) => row.name)).toEqual(["'=Ada"]);
    expect((await downloadCsv(owner, '?state=&verified=no&since=')).rows.map((row) => row.name)).toEqual(['Grace', 'Old approved', 'Unverified approved']);
  });

  it('when a filter is not valid, then a 422 page names it and no file is sent', async () => {
    const owner = await loginAs(t, 'owner');
    for (const query of ['?state=deleted', '?verified=maybe', '?since=yesterday']) {
      const res = await owner.agent.get(csvPath(query));
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['content-disposition']).toBeUndefined();
      expect(res.text).toContain(query.slice(1, query.indexOf('=')));
    }
    expect(await exportEvents()).toEqual([]);
  });

  it('when the letter does not exist, then a 404 page', async () => {
    const owner = await loginAs(t, 'owner');
    const res = await owner.agent.get('/admin/letters/no-such-letter/signatures.csv');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  });

  it('when downloaded, then it is a CSV attachment named after the letter and the UTC time, never cached', async () => {
    const owner = await loginAs(t, 'owner');
    t.clock.advance(12 * 60 * 1000 + 59 * 1000);
    const { res } = await downloadCsv(owner);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="keep-defensive-ai-open-signatures-20261101T0912Z.csv"');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('when bom=1 is asked for, then the file starts with a byte-order mark, and not otherwise', async () => {
    const owner = await loginAs(t, 'owner');
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const withBom = await downloadCsv(owner, '?bom=1');
    expect(withBom.bytes.subarray(0, 3)).toEqual(bom);
    expect(withBom.rows).toHaveLength(2);
    const without = await downloadCsv(owner);
    expect(without.bytes.subarray(0, 2).toString('utf8')).toBe('id');
  });

  it('when an export is downloaded, then the audit log has who, the filters and the row count', async () => {
    const moderator = await loginAs(t, 'moderator');
    await downloadCsv(moderator, '?state=approved&verified=yes&since=2026-10-01&bom=1');
    // The record of a complete export is written once its last byte is sent: the client may have it first.
    await waitFor(async () => (await exportEvents()).length > 0);
    expect(await exportEvents()).toEqual([
      expect.objectContaining({
        organiserId: moderator.organiser.id,
        actor: `${moderator.organiser.name} <${moderator.organiser.email}>`,
        subject: `letter:${letter.slug}`,
        details: { filters: { state: 'approved', verified: 'yes', since: '2026-10-01T00:00:00.000Z' }, includeEmails: false, bom: true, rows: 1, complete: true },
      }),
    ]);
  });

  it('when only the headers are asked for (HEAD), then nothing is exported or audited', async () => {
    const owner = await loginAs(t, 'owner');
    const res = await owner.agent.head(csvPath());
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="keep-defensive-ai-open-signatures-/);
    expect(await exportEvents()).toEqual([]);
  });
});

describe('the export form on the admin letter page', () => {
  const exportForm = (html: string): string => {
    const start = html.indexOf(`<form method="get" action="${csvPath()}"`);
    return start < 0 ? '' : html.slice(start, html.indexOf('</form>', start));
  };

  it('when an owner or moderator opens the letter, then a GET form offers the state, verified, since and BOM filters with a note on emails', async () => {
    for (const role of ['owner', 'moderator'] as const) {
      const who = await loginAs(t, role);
      const page = (await who.agent.get(`/admin/letters/${letter.slug}`).expect(200)).text;
      const form = exportForm(page);
      for (const field of ['<select id="export-state" name="state">', '<select id="export-verified" name="verified">', 'type="date" id="export-since" name="since"', 'type="checkbox" id="export-bom" name="bom" value="1"']) {
        expect(form).toContain(field);
      }
      for (const state of ['all', 'unconfirmed', 'pending', 'approved', 'rejected', 'withdrawn']) expect(form).toContain(`<option value="${state}"`);
      expect(page).toContain(role === 'owner' ? 'you get email addresses' : 'you get the email column empty');
    }
  });

  it('when a viewer opens the letter, then there is no export form', async () => {
    const viewer = await loginAs(t, 'viewer');
    const page = (await viewer.agent.get(`/admin/letters/${letter.slug}`).expect(200)).text;
    expect(page).toContain(letter.title);
    expect(exportForm(page)).toBe('');
  });
});

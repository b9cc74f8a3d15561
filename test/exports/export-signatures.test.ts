import { first, one } from '../../server/db/database.js';
import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { auditEvents, organisations } from '../../server/db/schema.js';
import { neutraliseFormula } from '../../server/lib/csv/index.js';
import { exportFilename, exportSignatures, planSignatureExport } from '../../server/exports/export-signatures.js';
import { AppError } from '../../server/web/errors.js';
import { appPerTest, testEngine } from '../helpers/app.js';
import { exportToText } from '../helpers/csv.js';
import { buildLetter, buildSignature, postSignature, signatureByEmail, signForm } from '../helpers/factories.js';
import { sqlRows } from '../helpers/database.js';
import { insertManySignatures } from '../helpers/bulk-signatures.js';

const t = appPerTest();

const HOUR = 60 * 60 * 1000;

describe('the signatures CSV', () => {
  it('when exported, then there is a header row and every field of every signature round-trips through a CSV parser', async () => {
    const letter = await buildLetter(t.ctx);
    const organisation = await t.ctx.db.write(async (tx) => (await one(tx.insert(organisations).values({ name: 'Ünïcode, "Quoted" Labs', nameKey: 'unicode-quoted-labs' }).returning())));
    const signedAt = t.clock.now();
    const first = await buildSignature(t.ctx, letter, {
      name: 'Zoë "Z" O\'Brien, PhD',
      title: 'Head of 🔐 security',
      organisationText: 'Ünïcode Labs,\nBerlin',
      organisationId: organisation.id,
      email: 'Zoe.OBrien@Example.org',
      emailKey: 'zoe.obrien@example.org',
      emailDomain: 'example.org',
      comment: 'Line one\r\nline two, with "quotes"\nand 🙂 emoji',
      state: 'approved',
      affiliationVerified: true,
      showPublic: false,
      contactUpdates: true,
      featured: true,
      source: 'climate-net',
      lang: 'fr',
      signedAt,
      confirmedAt: new Date(signedAt.getTime() + HOUR),
      moderatedAt: new Date(signedAt.getTime() + 2 * HOUR),
    });
    const second = await buildSignature(t.ctx, letter, { name: 'مريم الحسن', title: 'باحثة', organisationText: 'جامعة القاهرة', comment: 'نحن نوقع ‏(RTL)‏ هذه الرسالة', email: 'maryam@example.net' });

    const { text, rows, result } = await exportToText(t.ctx, { letterId: letter.id });

    expect(result.rows).toBe(2);
    expect(text.split('\r\n')[0]).toBe(
      'id,state,name,role,organisation,matched_organisation,affiliation_verified,email,email_domain,comment,public,contact_me,featured,letter_version_sha256,language,signed_at,confirmed_at,moderated_at,source',
    );
    const version = (await sqlRows<{ sha256: string }>(t, 'SELECT sha256 FROM letter_versions WHERE id = ?', letter.currentVersionId))[0]!;
    expect(rows).toEqual([
      {
        id: String(first.id),
        state: 'approved',
        name: 'Zoë "Z" O\'Brien, PhD',
        role: 'Head of 🔐 security',
        organisation: 'Ünïcode Labs,\nBerlin',
        matched_organisation: 'Ünïcode, "Quoted" Labs',
        affiliation_verified: 'yes',
        email: 'Zoe.OBrien@Example.org',
        email_domain: 'example.org',
        comment: 'Line one\r\nline two, with "quotes"\nand 🙂 emoji',
        public: 'no',
        contact_me: 'yes',
        featured: 'yes',
        letter_version_sha256: version.sha256,
        language: 'fr',
        signed_at: '2026-11-01T09:00:00.000Z',
        confirmed_at: '2026-11-01T10:00:00.000Z',
        moderated_at: '2026-11-01T11:00:00.000Z',
        source: 'climate-net',
      },
      expect.objectContaining({
        id: String(second.id),
        state: 'unconfirmed',
        name: 'مريم الحسن',
        role: 'باحثة',
        organisation: 'جامعة القاهرة',
        language: 'en',
        matched_organisation: '',
        comment: 'نحن نوقع ‏(RTL)‏ هذه الرسالة',
        email: 'maryam@example.net',
        confirmed_at: '',
        moderated_at: '',
      }),
    ]);
    expect(text).toContain('"Zoë ""Z"" O\'Brien, PhD"');
  });

  it('when a cell starts like a formula, then it is prefixed with an apostrophe, in every text column', async () => {
    const letter = await buildLetter(t.ctx);
    const cases: Array<[string, string]> = [
      ['=HYPERLINK("http://evil.example","click")', '\'=HYPERLINK("http://evil.example","click")'],
      ['+49 30 1234', "'+49 30 1234"],
      ['-2+3', "'-2+3"],
      ['@SUM(A1)', "'@SUM(A1)"],
      ['\tTabbed', "'\tTabbed"],
      ['\rReturn', "'\rReturn"],
      // PostgreSQL's text holds no NUL (it refuses the row), so a stored NUL exists on SQLite alone;
      // the encoder's own test (test/lib/csv.test.ts) covers it on every start character.
      ...(testEngine() === 'sqlite' ? [['\0Null', "'\0Null"] as [string, string]] : []),
      ['Plain = fine', 'Plain = fine'],
      ["'already quoted", "'already quoted"],
    ];
    const organisation = await t.ctx.db.write(async (tx) => (await one(tx.insert(organisations).values({ name: '=cmd|calc', nameKey: 'cmd-calc' }).returning())));
    for (const [raw] of cases) await buildSignature(t.ctx, letter, { name: raw, title: raw, organisationText: raw, comment: raw, organisationId: organisation.id });

    const { rows } = await exportToText(t.ctx, { letterId: letter.id });

    expect(rows.map((row) => [row.name, row.role, row.organisation, row.comment])).toEqual(cases.map(([, expected]) => [expected, expected, expected, expected]));
    expect(rows.every((row) => row.matched_organisation === "'=cmd|calc")).toBe(true);
  });

  it('when any text is exported, then the parser gets back exactly the neutralised text', async () => {
    const letter = await buildLetter(t.ctx);
    // Any text the engine can hold: PostgreSQL's text holds no NUL.
    const storable = (text: string) => testEngine() === 'sqlite' || !text.includes('\0');
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 40 }).filter(storable), fc.string({ unit: 'grapheme', maxLength: 40 }).filter(storable), async (name, comment) => {
        const signature = await buildSignature(t.ctx, letter, { name, comment });
        const { rows } = await exportToText(t.ctx, { letterId: letter.id, filters: { state: 'unconfirmed' } });
        const row = rows.find((candidate) => candidate.id === String(signature.id));
        expect(row?.name).toBe(neutraliseFormula(name));
        expect(row?.comment).toBe(neutraliseFormula(comment));
      }),
      { numRuns: 40 },
    );
  });

  it('when emails are not included, then the email column is there and empty on every row', async () => {
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { state: 'approved' });
    await buildSignature(t.ctx, letter, { state: 'pending' });
    const { text, rows } = await exportToText(t.ctx, { letterId: letter.id, includeEmails: false });
    expect(rows).toHaveLength(2);
    expect(rows.every((row) => 'email' in row && row.email === '')).toBe(true);
    expect(rows.every((row) => row.email_domain === 'example.org')).toBe(true);
    expect(text).not.toMatch(/signer\d+@/);
  });

  it('when a signer has withdrawn, then their address is not exported even with emails included', async () => {
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { state: 'withdrawn', email: 'gone@example.org', name: '' });
    await buildSignature(t.ctx, letter, { state: 'approved', email: 'here@example.org' });
    const { rows } = await exportToText(t.ctx, { letterId: letter.id });
    expect(rows.map((row) => [row.state, row.email])).toEqual([
      ['withdrawn', ''],
      ['approved', 'here@example.org'],
    ]);
  });

  it('when asked for a BOM, then the file starts with one, and not otherwise', async () => {
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter);
    const withBom = await exportToText(t.ctx, { letterId: letter.id, bom: true });
    const without = await exportToText(t.ctx, { letterId: letter.id });
    expect(withBom.text.startsWith('\uFEFFid,state,')).toBe(true);
    expect(without.text.startsWith('id,state,')).toBe(true);
    expect(withBom.rows).toEqual(without.rows);
  });

  it('when a letter has no signatures, then the export is the header row alone', async () => {
    const letter = await buildLetter(t.ctx);
    const { text, rows, result } = await exportToText(t.ctx, { letterId: letter.id });
    expect(result.rows).toBe(0);
    expect(rows).toEqual([]);
    expect(text.trim().split('\r\n')).toHaveLength(1);
  });

  it('when a value holds the control characters the export packs rows with, then it is still exported exactly', async () => {
    const letter = await buildLetter(t.ctx);
    const odd = await buildSignature(t.ctx, letter, { name: 'Unit\x1fseparator', comment: 'Record\x1eseparator, and "more"' });
    const plain = await buildSignature(t.ctx, letter, { name: 'Plain' });
    const { rows } = await exportToText(t.ctx, { letterId: letter.id });
    expect(rows.map((row) => [row.id, row.name, row.comment])).toEqual([
      [String(odd.id), 'Unit\x1fseparator', 'Record\x1eseparator, and "more"'],
      [String(plain.id), 'Plain', ''],
    ]);
  });

  it('when a letter has more signatures than one chunk holds, amid other letters, then each is exported once, in order', async () => {
    const letter = await buildLetter(t.ctx);
    const other = await buildLetter(t.ctx);
    const ids: number[] = [];
    const approvedIds: number[] = [];
    for (let i = 0; i < 1000; i += 1) {
      const signature = await buildSignature(t.ctx, i % 3 === 0 ? other : letter, { state: i % 2 === 0 ? 'approved' : 'pending' });
      if (signature.letterId !== letter.id) continue;
      ids.push(signature.id);
      if (signature.state === 'approved') approvedIds.push(signature.id);
    }
    const exportedIds = async (filters: Record<string, string>) => (await exportToText(t.ctx, { letterId: letter.id, filters })).rows.map((row) => Number(row.id));
    expect(await exportedIds({})).toEqual(ids);
    expect(await exportedIds({ state: 'approved' })).toEqual(approvedIds);
    expect(approvedIds.length).toBeGreaterThan(256);
  });

  it('when other letters have signatures, then only this letter is exported, oldest first', async () => {
    const letter = await buildLetter(t.ctx);
    const other = await buildLetter(t.ctx);
    const ids = [(await buildSignature(t.ctx, letter)).id, (await buildSignature(t.ctx, letter)).id];
    await buildSignature(t.ctx, other);
    const { rows } = await exportToText(t.ctx, { letterId: letter.id });
    expect(rows.map((row) => row.id)).toEqual(ids.map(String));
  });
});

describe('export filters', () => {
  const seed = async () => {
    const letter = await buildLetter(t.ctx);
    const early = t.clock.now();
    const approvedVerified = await buildSignature(t.ctx, letter, { state: 'approved', affiliationVerified: true, signedAt: early });
    const approvedPlain = await buildSignature(t.ctx, letter, { state: 'approved', signedAt: early });
    const pendingVerified = await buildSignature(t.ctx, letter, { state: 'pending', affiliationVerified: true, signedAt: new Date(Date.parse('2026-11-20T00:00:00Z')) });
    const rejected = await buildSignature(t.ctx, letter, { state: 'rejected', signedAt: new Date(Date.parse('2026-11-21T12:00:00Z')) });
    return { letter, approvedVerified, approvedPlain, pendingVerified, rejected };
  };
  const idsFor = async (letterId: number, filters: Record<string, string>) =>
    (await exportToText(t.ctx, { letterId, filters })).rows.map((row) => Number(row.id));

  it('when filtered by state, verification or date, then only matching signatures are exported', async () => {
    const s = await seed();
    expect(await idsFor(s.letter.id, { state: 'approved' })).toEqual([s.approvedVerified.id, s.approvedPlain.id]);
    expect(await idsFor(s.letter.id, { state: 'all' })).toHaveLength(4);
    expect(await idsFor(s.letter.id, { verified: 'yes' })).toEqual([s.approvedVerified.id, s.pendingVerified.id]);
    expect(await idsFor(s.letter.id, { verified: 'no' })).toEqual([s.approvedPlain.id, s.rejected.id]);
    expect(await idsFor(s.letter.id, { since: '2026-11-20' })).toEqual([s.pendingVerified.id, s.rejected.id]);
    expect(await idsFor(s.letter.id, { since: '2026-11-21T12:00:00Z' })).toEqual([s.rejected.id]);
    expect(await idsFor(s.letter.id, { since: '2026-11-21T14:00:01+02:00' })).toEqual([]);
    expect(await idsFor(s.letter.id, { state: 'approved', verified: 'yes', since: '2026-11-01' })).toEqual([s.approvedVerified.id]);
    expect(await idsFor(s.letter.id, { state: '', verified: '', since: '' })).toHaveLength(4);
  });

  it('when a filter value is invalid, then a 422 names it and nothing is written or audited', async () => {
    const letter = await buildLetter(t.ctx);
    for (const [filters, named] of [
      [{ state: 'deleted' }, 'state'],
      [{ verified: 'maybe' }, 'verified'],
      [{ since: 'yesterday' }, 'since'],
      [{ since: '2026-02-30' }, 'since'],
      [{ since: '2026-11-28T04:12' }, 'since'],
    ] as const) {
      let written = 0;
      const sink = new Writable({ write: (_chunk, _encoding, callback) => ((written += 1), callback()) });
      const error = await exportSignatures(t.ctx, { letterId: letter.id, filters, includeEmails: true, actor: SYSTEM_ACTOR }, sink).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ id: 'invalid_export_filter', status: 422 });
      expect((error as AppError).message).toMatch(new RegExp(`^${named} must`));
      expect(written).toBe(0);
    }
    expect(await t.ctx.db.select().from(auditEvents)).toEqual([]);
  });

  it('when the letter does not exist, then 404 before anything is written', async () => {
    await expect(planSignatureExport(t.ctx, { letterId: 9999, filters: {} })).rejects.toThrow(expect.objectContaining({ status: 404 }));
  });
});

describe('export records', () => {
  it('when an export finishes, then one audit event records who, which letter, the filters and the row count', async () => {
    const letter = await buildLetter(t.ctx);
    for (let i = 0; i < 3; i += 1) await buildSignature(t.ctx, letter, { state: 'approved' });
    await buildSignature(t.ctx, letter, { state: 'pending' });
    const actor = { kind: 'system', label: 'test-operator' } as const;
    await exportToText(t.ctx, { letterId: letter.id, filters: { state: 'approved', verified: 'no', since: '2026-10-01' }, includeEmails: false, actor, bom: true });
    const events = await t.ctx.db.select().from(auditEvents).where(eq(auditEvents.action, 'export.csv'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: 'test-operator',
      subject: `letter:${letter.slug}`,
      details: { filters: { state: 'approved', verified: 'no', since: '2026-10-01T00:00:00.000Z' }, includeEmails: false, bom: true, rows: 3, complete: true },
      createdAt: t.clock.now(),
    });
  });

  it('when the reader goes away mid-export, then the export fails, the failure is audited as incomplete, and the database stays usable', async () => {
    const letter = await buildLetter(t.ctx);
    await insertManySignatures(t, letter, 3000, 'x'.repeat(200));
    let chunks = 0;
    const brokenPipe = new Writable({
      write(_chunk, _encoding, callback) {
        chunks += 1;
        if (chunks > 5) callback(new Error('client went away'));
        else setImmediate(callback);
      },
    });
    await expect(exportSignatures(t.ctx, { letterId: letter.id, filters: {}, includeEmails: true, actor: SYSTEM_ACTOR }, brokenPipe)).rejects.toThrow('client went away');
    const event = await first(t.ctx.db.select().from(auditEvents));
    expect(event?.details).toMatchObject({ complete: false });
    expect((event?.details as { rows: number }).rows).toBeLessThan(3000);
    expect((await postSignature(t.app, letter.slug, signForm({ email: 'after@example.org' }))).status).toBe(303);
  });

  it('when people sign while a slow download is in progress, then signing works and the export is one consistent snapshot', async () => {
    const letter = await buildLetter(t.ctx);
    await insertManySignatures(t, letter, 2000, 'y'.repeat(200));
    const held: Array<() => void> = [];
    let paused = true;
    let received = '';
    const slowReader = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        received += chunk.toString();
        if (paused) held.push(callback);
        else setImmediate(callback);
      },
    });
    const exporting = exportSignatures(t.ctx, { letterId: letter.id, filters: {}, includeEmails: true, actor: SYSTEM_ACTOR }, slowReader);
    while (held.length === 0) await new Promise((resolve) => setImmediate(resolve));

    const signing = await postSignature(t.app, letter.slug, signForm({ email: 'during@example.org' }));
    expect(signing.status).toBe(303);
    expect((await signatureByEmail(t.ctx, 'during@example.org'))?.state).toBe('unconfirmed');

    paused = false;
    held.splice(0).forEach((callback) => callback());
    const { rows } = await exporting;
    expect(rows).toBe(2000);
    expect(received).not.toContain('during@example.org');
  });
});

describe('export file names', () => {
  it('when named, then the slug and the UTC minute are in the name', () => {
    expect(exportFilename('keep-defensive-ai-open', new Date('2026-11-28T04:12:59.999Z'))).toBe('keep-defensive-ai-open-signatures-20261128T0412Z.csv');
    expect(exportFilename('x', new Date('2027-01-02T23:05:00+02:00'))).toBe('x-signatures-20270102T2105Z.csv');
  });
});

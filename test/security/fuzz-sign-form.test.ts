import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { outbox, signatures } from '../../server/db/schema.js';
import type { LetterRow } from '../../server/letters/table.js';
import { buildLetter, outboxFor, postSignature, signForm } from '../helpers/factories.js';
import { encodedValue, encodeRaw, hostileText, PAYLOADS, reflectsMarkup } from '../helpers/hostile-input.js';
import { rawSitePerFile } from '../helpers/raw-http.js';
import { integrityCheck } from '../helpers/database.js';

const { t, client } = rawSitePerFile({ env: { MAX_MAILS_PER_SIGNATURE: '50' } });
let letter: LetterRow;
beforeAll(async () => {
  letter = await buildLetter(t.ctx, { moderation: 'post' });
});

const FIELDS = ['name', 'email', 'organisation', 'title', 'comment', 'public', 'updates', 'website', 'stamp'] as const;
const rowCounts = async () => ({ signatures: (await t.ctx.db.select().from(signatures)).length, mails: (await t.ctx.db.select().from(outbox)).length });
const newMails = async (afterId: number) => (await outboxFor(t.ctx)).filter((mail) => mail.id > afterId);
const lastMailId = async () => (await t.ctx.db.select().from(outbox)).at(-1)?.id ?? 0;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

let serial = 0;
/** A form with hostile values in some fields; the email is often valid so that some submissions go through to mail. */
const hostileForm = fc.record(
  {
    name: encodedValue,
    email: fc.oneof(fc.constant('valid'), fc.constant('valid'), encodedValue, hostileText.map((local) => `${encodeRaw(local)}%40example.org`)),
    organisation: encodedValue,
    title: encodedValue,
    comment: encodedValue,
    public: encodedValue,
    updates: encodedValue,
    website: fc.constantFrom('', '', '', 'http%3A%2F%2Fspam.example'),
    stamp: encodedValue,
  },
  { requiredKeys: ['email'] },
);

function bodyOf(form: Partial<Record<(typeof FIELDS)[number], string>>): string {
  const email = form.email === 'valid' ? `fuzz${(serial += 1)}%40example.org` : form.email;
  return FIELDS.filter((field) => form[field] !== undefined)
    .map((field) => `${field}=${field === 'email' ? email : form[field]}`)
    .join('&');
}

describe('fuzzing the sign form', () => {
  it('when any hostile values are posted, then there is no 5xx, no unescaped reflection in pages or mails, and a refused form stores nothing', { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(hostileForm, async (form) => {
        const before = await rowCounts();
        const mailsBefore = await lastMailId();
        const res = await client.send('POST', `/letters/${letter.slug}/signatures`, { headers: FORM, body: bodyOf(form) });
        expect([303, 400, 413, 422]).toContain(res.status);
        expect(reflectsMarkup(res.body)).toBe(false);
        if (res.status !== 303) {
          expect(await rowCounts()).toEqual(before);
          return;
        }
        const queued = await newMails(mailsBefore);
        for (const mail of queued) {
          expect(reflectsMarkup(mail.htmlBody)).toBe(false);
          // Mail to an address nobody has verified carries nothing the sender typed.
          expect(mail.textBody).not.toContain('fz(');
          expect(mail.htmlBody).not.toContain('fz(');
        }
        const token = queued.map((mail) => /\/signatures\/confirm\/([A-Za-z0-9_-]{43})/.exec(mail.textBody)?.[1]).find(Boolean);
        if (!token) return;
        const page = await client.send('GET', `/signatures/confirm/${token}`);
        const confirmed = await client.send('POST', `/signatures/confirm/${token}`, { headers: FORM, body: '' });
        expect([page.status, confirmed.status]).toEqual([200, 200]);
        expect(reflectsMarkup(page.body) || reflectsMarkup(confirmed.body)).toBe(false);
        for (const mail of (await newMails(mailsBefore))) expect(reflectsMarkup(mail.htmlBody)).toBe(false);
      }),
      // A few seconds in CI; FUZZ_RUNS=5000 for a deeper search. The example always runs first, so
      // at least one form reaches storage however the random cases fall.
      { numRuns: Number(process.env.FUZZ_RUNS ?? 150), examples: [[{ email: 'valid', name: 'Example%20Signer' }]] },
    );
    expect(await integrityCheck(t)).toBe('ok');
    expect((await t.ctx.db.select().from(signatures)).length).toBeGreaterThan(0);
  });

  it('when each payload is signed as a name, organisation and comment, then it is stored exactly and shown escaped on the confirm page', async () => {
    for (const [index, payload] of PAYLOADS.entries()) {
      const email = `payload${index}@example.org`;
      const res = await postSignature(t.app, letter.slug, signForm({ name: payload.slice(0, 120), organisation: payload, comment: payload, email }));
      if (res.status === 422) {
        // Control and bidi-override characters are refused; every other payload goes through as text.
        expect(payload).toMatch(/[\r\n\u202A-\u202E\u2066-\u2069]/);
        continue;
      }
      expect(res.status).toBe(303);
      const stored = (await t.ctx.db.select().from(signatures)).find((row) => row.emailKey === email);
      expect(stored).toMatchObject({ organisationText: payload.normalize('NFC').trim(), comment: payload.normalize('NFC').trim() });
      const token = /\/signatures\/confirm\/([A-Za-z0-9_-]{43})/.exec((await newMails(0)).filter((mail) => mail.toAddress === email)[0]?.textBody ?? '')?.[1];
      const page = await client.send('GET', `/signatures/confirm/${token}`);
      expect(page.status).toBe(200);
      expect(reflectsMarkup(page.body)).toBe(false);
    }
    expect(await integrityCheck(t)).toBe('ok');
  });

  it('when a name carries bidi overrides (text that displays as something else), then it is refused with 422', async () => {
    for (const name of ['Alice \u202Eecila', 'Bob\u2066 Evil\u2069']) {
      const res = await postSignature(t.app, letter.slug, signForm({ name }));
      expect(res.status).toBe(422);
      expect(res.text).toContain('contains characters that are not allowed');
    }
  });
});

import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { letters } from '../../server/db/schema.js';
import { buildLetter } from '../helpers/factories.js';
import { expectSafePage, fuzzForm, fuzzRuns, mutatedForm, signInRaw, type RawSession } from '../helpers/form-fuzz.js';
import { encodedValue, encodeRaw, hostileText } from '../helpers/hostile-input.js';
import { rawSitePerFile } from '../helpers/raw-http.js';

const { t, client } = rawSitePerFile();
let owner: RawSession;
let draftSlug: string;
let openSlug: string;
beforeAll(async () => {
  owner = await signInRaw(t, client, 'owner');
  draftSlug = (await buildLetter(t.ctx, { status: 'draft' })).slug;
  openSlug = (await buildLetter(t.ctx, { status: 'open' })).slug;
});

/** Markdown that would become active markup if the renderer let raw HTML or script links through. */
const MARKDOWN_PAYLOADS = ['[x](javascript:fz(1))', '![x](javascript:fz(1))', '<script>fz(1)</script>\n\ntext', '[x](data:text/html;base64,PHNjcmlwdD5meigxKTwvc2NyaXB0Pg==)', '<a href="javascript:fz(1)">x</a>', '`<img src=x onerror=fz(1)>`'];

let fresh = 0;
const MARKDOWN_BODY = fc.oneof(encodedValue, fc.constantFrom(...MARKDOWN_PAYLOADS).map(encodeRaw), fc.tuple(hostileText, fc.constantFrom(...MARKDOWN_PAYLOADS)).map((parts) => encodeRaw(parts.join('\n\n'))));
const DATES = fc.oneof(encodedValue, fc.constantFrom('', '2026-11-01 09:00:00.000Z', '9999-99-99T99:99', '2026-02-30T09:00', '2026-10-01T09:00', '+275760-09-13T00:00').map(encodeRaw));
const letterForm = fc.record({
  target: fc.constantFrom('create', 'edit draft', 'edit open'),
  fields: mutatedForm(
    { slug: 'fresh', title: 'A plain title', summary: '', body: 'We ask.', moderation: 'pre', opens_at: '2026-11-01T09:00', closes_at: '', intent: 'save' },
    { body: MARKDOWN_BODY, opens_at: DATES, closes_at: DATES, intent: fc.oneof(encodedValue, fc.constant('preview')) },
  ),
});

const pathOf = (target: string): string => (target === 'create' ? '/admin/letters' : `/admin/letters/${target === 'edit draft' ? draftSlug : openSlug}`);

describe('fuzzing the letter form', () => {
  it('when any hostile values are posted to create or edit a letter, then no 5xx, no unescaped reflection in the form, preview or saved pages, and nothing stored unless saved', { timeout: 40_000 }, async () => {
    const lettersBefore = (await t.ctx.db.select().from(letters)).length;
    await fuzzForm({
      t,
      client,
      session: owner,
      fields: letterForm,
      path: (form) => pathOf(form.target),
      // A new letter gets a new address; an edit keeps the letter's own unless the fuzzer changed it.
      body: ({ target, fields }) => ({ ...fields, slug: fields.slug !== 'fresh' ? fields.slug : target === 'create' ? `fuzzed-${(fresh += 1)}` : pathOf(target).split('/')[3] }),
      statuses: [200, 303, 400, 409, 413, 422],
      afterAccepted: async (res, form) => {
        const location = String(res.headers.location);
        expect(location).toMatch(/^\/admin\/letters\/[a-z0-9-]+(\?published=\d+)?$/);
        const slug = location.split('/')[3]?.split('?')[0] ?? '';
        if (form.target === 'edit draft') draftSlug = slug;
        await expectSafePage(client, owner, `/admin/letters/${slug}`);
        await expectSafePage(client, owner, `/admin/letters/${slug}/edit`);
        if (form.target === 'edit open') {
          await expectSafePage(client, owner, `/letters/${slug}`);
          await expectSafePage(client, owner, `/letters/${slug}/versions`);
        }
      },
    }, fuzzRuns(120));
    // The search reached saving, not only refusals.
    expect((await t.ctx.db.select().from(letters)).length).toBeGreaterThan(lettersBefore);
  });
});

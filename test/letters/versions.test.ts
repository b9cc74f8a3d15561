import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { updateLetter } from '../../server/letters/manage-letter.js';
import type { LetterRow } from '../../server/letters/table.js';
import { diffText } from '../../server/letters/versions.js';
import { appPerTest } from '../helpers/app.js';
import { buildLetter } from '../helpers/factories.js';

const t = appPerTest();

const reviseText = (letter: LetterRow, changes: Partial<Pick<LetterRow, 'title' | 'summary' | 'body'>>) => {
  t.clock.advanceDays(1);
  return updateLetter(t.ctx, letter.slug, { slug: letter.slug, title: letter.title, summary: letter.summary, body: letter.body, moderation: letter.moderation, opensAt: null, closesAt: null, ...changes }, SYSTEM_ACTOR);
};

describe('revision history', () => {
  it('when a letter has three versions, then the history lists them newest first with hashes and links to each change', async () => {
    const letter = await buildLetter(t.ctx, { body: 'We ask for change.' });
    await reviseText(letter, { body: 'We ask for real change.' });
    const third = await reviseText(letter, { body: 'We ask for real change now.', title: 'A sharper title' });
    const page = await request(t.app).get(`/letters/${letter.slug}/versions`);
    expect(page.status).toBe(200);
    const numbers = [...page.text.matchAll(/>Version (\d+)<\/a>/g)].map((match) => Number(match[1]));
    expect(numbers).toEqual([3, 2, 1]);
    expect(page.text).toContain(third.version.sha256);
    expect(page.text).toContain(`href="/letters/${letter.slug}/versions/2..3"`);
    expect(page.text).toContain(`href="/letters/${letter.slug}/versions/1..2"`);
  });

  it('when the letter page is shown, then it links to the revision history', async () => {
    const letter = await buildLetter(t.ctx);
    expect((await request(t.app).get(`/letters/${letter.slug}`)).text).toContain(`href="/letters/${letter.slug}/versions"`);
  });

  it('when an old version is opened, then its own text is shown, marked as not current', async () => {
    const letter = await buildLetter(t.ctx, { body: 'The original wording.' });
    await reviseText(letter, { body: 'The new wording.' });
    const old = await request(t.app).get(`/letters/${letter.slug}/versions/1`);
    expect(old.status).toBe(200);
    expect(old.text).toContain('The original wording.');
    expect(old.text).not.toContain('The new wording.');
    expect(old.text).toContain('Read the current version and sign');
    expect((await request(t.app).get(`/letters/${letter.slug}/versions/2`)).text).toContain('Version 2 (current)');
  });

  it('when two versions are compared, then added words are in <ins>, removed in <del>, and the letter text is escaped', async () => {
    const letter = await buildLetter(t.ctx, { body: 'We ask the <b>ministry</b> to pause.\n\nSecond paragraph stays.' });
    await reviseText(letter, { body: 'We ask the <b>ministry</b> to withdraw the rule.\n\nSecond paragraph stays.' });
    const res = await request(t.app).get(`/letters/${letter.slug}/versions/1..2`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('to <del>pause</del><ins>withdraw the rule</ins>.');
    expect(res.text).toContain('&lt;b&gt;ministry&lt;/b&gt;');
    expect(res.text).not.toContain('<b>ministry</b>');
    expect(res.text).toContain('Second paragraph stays.');
  });

  it('when the compare form is sent, then it redirects to the canonical comparison address', async () => {
    const letter = await buildLetter(t.ctx);
    await reviseText(letter, { body: 'Changed.' });
    const res = await request(t.app).get(`/letters/${letter.slug}/versions?from=1&to=2`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/letters/${letter.slug}/versions/1..2`);
  });

  it.each(['9', '1..9', 'abc', '1...2', '-1', '1..'])('when the version reference is "%s", then 404', async (ref) => {
    const letter = await buildLetter(t.ctx);
    expect((await request(t.app).get(`/letters/${letter.slug}/versions/${ref}`)).status).toBe(404);
  });

  it('when the letter is a draft, then its history is 404 like the letter itself', async () => {
    const letter = await buildLetter(t.ctx, { status: 'draft' });
    expect((await request(t.app).get(`/letters/${letter.slug}/versions`)).status).toBe(404);
    expect((await request(t.app).get(`/letters/${letter.slug}/versions/1`)).status).toBe(404);
  });
});

describe('the text diff', () => {
  it('when the texts are identical, then every part is unchanged', () => {
    expect(diffText('same words', 'same words')).toEqual([{ change: 'same', text: 'same words' }]);
  });

  it('when a long text is entirely rewritten, then it is compared by lines instead of word by word', () => {
    const before = Array.from({ length: 3000 }, (_, i) => `alpha${i}${i % 20 === 19 ? '\n' : ' '}`).join('');
    const after = Array.from({ length: 3000 }, (_, i) => `omega${i}${i % 20 === 19 ? '\n' : ' '}`).join('');
    const parts = diffText(before, after);
    expect(parts.length).toBeLessThan(10);
    expect(parts.filter((part) => part.change === 'removed').map((part) => part.text).join('')).toBe(before);
    expect(parts.filter((part) => part.change === 'added').map((part) => part.text).join('')).toBe(after);
  });
});

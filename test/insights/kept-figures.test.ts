import { describe, expect, it } from 'vitest';
import { buildLetter, buildSignature } from '../helpers/factories.js';
import { sqlRows } from '../helpers/database.js';
import { figuresTable } from '../helpers/insights.js';
import { signedInAs } from '../helpers/signed-in.js';

const owner = signedInAs('owner');
const { t } = owner;

const insightsOf = async (slug: string): Promise<string> => (await owner.agent.get(`/admin/letters/${slug}/insights`).expect(200)).text;
const asOf = (html: string): string | undefined => html.match(/id="figures-as-of">Figures as of <time datetime="([^"]+)">/)?.[1];

describe('the insights figures, kept a few seconds per letter', () => {
  it('when a signature comes in between two loads at the same moment, then the second load counts it at once', async () => {
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { email: 'first@one.example', state: 'approved' });
    expect(figuresTable(await insightsOf(letter.slug), 'table-domains')).toEqual({ 'one.example': [1, 1] });
    await buildSignature(t.ctx, letter, { email: 'second@one.example', state: 'pending' });
    const html = await insightsOf(letter.slug);
    expect(figuresTable(html, 'table-domains')).toEqual({ 'one.example': [2, 2] });
    expect(figuresTable(html, 'table-states').confirmed).toEqual([2]);
  });

  it('when a partner is registered between two loads, then the second load has its line', async () => {
    const letter = await buildLetter(t.ctx);
    await insightsOf(letter.slug);
    await owner.post(`/admin/letters/${letter.slug}/partners`, { name: 'Late Partner', ref: 'late', origins: '' }).expect(303);
    expect(figuresTable(await insightsOf(letter.slug), 'table-sources')).toHaveProperty('late');
  });

  it('when the figures change without the letter\'s counts moving, then the page shows the kept ones and when they were counted, and the new ones within 5 seconds', async () => {
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { email: 'one@one.example', state: 'approved' });
    const countedAt = t.clock.now().toISOString();
    const first = await insightsOf(letter.slug);
    expect(asOf(first)).toBe(countedAt);
    // Behind the counts' back, as an erasure in the same moment as a new signature would leave them.
    await sqlRows(t, "UPDATE letter_signer_groups SET signers = 7, confirmed = 7 WHERE letter_id = ? AND dimension = 'domain'", letter.id);
    const kept = await insightsOf(letter.slug);
    expect(figuresTable(kept, 'table-domains')).toEqual({ 'one.example': [1, 1] });
    expect(asOf(kept)).toBe(countedAt);
    t.clock.advance(5_000);
    const recounted = await insightsOf(letter.slug);
    expect(figuresTable(recounted, 'table-domains')).toEqual({ 'one.example': [7, 7] });
    expect(asOf(recounted)).toBe(t.clock.now().toISOString());
  });

  it('when two letters are looked at, then each has its own figures', async () => {
    const [one, two] = [await buildLetter(t.ctx), await buildLetter(t.ctx)];
    await buildSignature(t.ctx, one, { email: 'a@one.example', state: 'approved' });
    await buildSignature(t.ctx, two, { email: 'b@two.example', state: 'approved' });
    expect(figuresTable(await insightsOf(one.slug), 'table-domains')).toEqual({ 'one.example': [1, 1] });
    expect(figuresTable(await insightsOf(two.slug), 'table-domains')).toEqual({ 'two.example': [1, 1] });
  });
});

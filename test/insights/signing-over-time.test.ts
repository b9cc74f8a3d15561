import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { buildLetter, signAndConfirm, tokenFromOutbox } from '../helpers/factories.js';
import { figuresTable, nonZero, signaturesConfirmedAt } from '../helpers/insights.js';
import { signedInAs } from '../helpers/signed-in.js';

const owner = signedInAs('owner');
const { t } = owner;

const HOUR = 3_600_000;
/** Eight days before the test clock's start (2026-11-01 09:00 UTC), which is "now" on the pages. */
const OPENED = Date.parse('2026-10-24T09:00:00Z');
const at = (hoursAfterOpening: number, minutes = 0): Date => new Date(OPENED + hoursAfterOpening * HOUR + minutes * 60_000);
const insightsOf = async (slug: string): Promise<string> => (await owner.agent.get(`/admin/letters/${slug}/insights`).expect(200)).text;

describe('signing over time', () => {
  it('when signatures are confirmed in several hours and days, then each hour of the first 72 and each day counts those confirmed in it, and only standing ones', async () => {
    const letter = await buildLetter(t.ctx, { opensAt: new Date(OPENED) });
    await signaturesConfirmedAt(t.ctx, letter, 2, at(0, 10));
    await signaturesConfirmedAt(t.ctx, letter, 1, at(1, 30));
    await signaturesConfirmedAt(t.ctx, letter, 1, at(1, 59), { state: 'pending' });
    await signaturesConfirmedAt(t.ctx, letter, 3, at(14, 0));
    await signaturesConfirmedAt(t.ctx, letter, 4, at(71, 59));
    await signaturesConfirmedAt(t.ctx, letter, 5, at(72, 0));
    await signaturesConfirmedAt(t.ctx, letter, 2, at(24 * 6 + 3));
    // Not standing: never confirmed, rejected, withdrawn.
    await signaturesConfirmedAt(t.ctx, letter, 2, at(1), { state: 'unconfirmed', confirmedAt: null });
    await signaturesConfirmedAt(t.ctx, letter, 1, at(1), { state: 'rejected' });
    await signaturesConfirmedAt(t.ctx, letter, 1, at(1), { state: 'withdrawn' });

    const html = await insightsOf(letter.slug);
    const hours = figuresTable(html, 'table-hours');
    expect(Object.keys(hours)).toHaveLength(72);
    expect(Object.keys(hours)[0]).toBe('2026-10-24T09:00:00.000Z');
    expect(nonZero(hours)).toEqual({ '2026-10-24T09:00:00.000Z': 2, '2026-10-24T10:00:00.000Z': 2, '2026-10-24T23:00:00.000Z': 3, '2026-10-27T08:00:00.000Z': 4 });
    const days = figuresTable(html, 'table-days');
    expect(Object.keys(days)[0]).toBe('2026-10-24');
    expect(Object.keys(days).at(-1)).toBe('2026-11-01');
    expect(nonZero(days)).toEqual({ '2026-10-24': 7, '2026-10-27': 9, '2026-10-30': 2 });
    expect(nonZero(figuresTable(html, 'table-states'))).toEqual({ confirmed: 18, approved: 17, pending: 1, listed: 17, unconfirmed: 2, rejected: 1, withdrawn: 1 });
    // The chart draws the same figures and says their gist.
    expect(html).toMatch(/<svg class="chart-svg" role="img" aria-labelledby="chart-hours-title chart-hours-desc"/);
    expect(html).toContain('11 signatures were confirmed in the first 72 hours from 2026-10-24 09:00 UTC. The busiest hour began 2026-10-27 08:00 UTC, with 4 confirmations.');
    expect(html).toContain('18 signatures were confirmed over 9 days, 2026-10-24 to 2026-11-01 (UTC). The busiest day was 2026-10-27, with 9 confirmations.');
    expect(html.match(/<rect class="chart-bar"/g)).toHaveLength(4 + 3);
    expect(html).toContain('<title>Hour 15 (2026-10-24 23:00 UTC): 3</title>');
  });

  it('when a signer confirms, then is rejected, and another withdraws, then their hours count them while they stand and not after', async () => {
    const letter = await buildLetter(t.ctx, { moderation: 'pre' });
    const first = await signAndConfirm(t, letter.slug, { email: 'first@example.org' });
    t.clock.advance(HOUR / 4);
    await signAndConfirm(t, letter.slug, { email: 'second@example.org' });
    const hour = (html: string) => nonZero(figuresTable(html, 'table-hours'));
    expect(hour(await insightsOf(letter.slug))).toEqual({ '2026-11-01T09:00:00.000Z': 2 });

    await owner.post(`/admin/letters/${letter.slug}/signatures/moderate`, { ids: String(first.id), action: 'reject' }).expect(303);
    await request(t.app).post(`/signatures/withdraw/${await tokenFromOutbox(t.ctx, 'second@example.org', 'withdraw')}`).expect(200);
    const html = await insightsOf(letter.slug);
    expect(hour(html)).toEqual({});
    expect(nonZero(figuresTable(html, 'table-states'))).toEqual({ rejected: 1, withdrawn: 1 });
    expect(html).not.toContain('<rect class="chart-bar"');
  });

  it('when no signature is confirmed yet, then the page says so and draws no chart', async () => {
    const letter = await buildLetter(t.ctx);
    const html = await insightsOf(letter.slug);
    expect(html).toContain('No signature has been confirmed yet.');
    expect(html).not.toContain('<svg');
  });

  it('when someone not signed in asks for the insights or their CSV, then they are sent to sign in and see no figure', async () => {
    const letter = await buildLetter(t.ctx);
    for (const path of ['insights', 'insights.csv']) {
      const response = await request(t.app).get(`/admin/letters/${letter.slug}/${path}`).expect(303);
      expect(response.headers.location).toMatch(/^\/admin\/login/);
    }
  });
});

import request from 'supertest';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { refuseDevelopmentOrigins } from '../../server/partners/forms.js';
import { eraseSigner } from '../../server/privacy/erase-signer.js';
import { describe, expect, it } from 'vitest';
import { buildLetter, buildSignature, postSignature, signAndConfirm, signatureByEmail, signForm } from '../helpers/factories.js';
import { parseCsv } from '../helpers/csv.js';
import { figuresTable } from '../helpers/insights.js';
import { signedInAs } from '../helpers/signed-in.js';

const owner = signedInAs('owner');
const { t } = owner;

const insightsOf = async (slug: string): Promise<string> => (await owner.agent.get(`/admin/letters/${slug}/insights`).expect(200)).text;

describe('where signers come from', () => {
  it('when people sign through partners, an unregistered ref, a mangled ref and no ref, then each source counts its signers, confirmed and rate', async () => {
    const letter = await buildLetter(t.ctx);
    await owner.post(`/admin/letters/${letter.slug}/partners`, { name: 'Climate Network', ref: 'climate-net', origins: '' }).expect(303);
    await owner.post(`/admin/letters/${letter.slug}/partners`, { name: 'Quiet Partner', ref: 'quiet', origins: '' }).expect(303);

    const page = await request(t.app).get(`/letters/${letter.slug}?ref=climate-net`).expect(200);
    expect(page.text).toContain('<input type="hidden" name="ref" value="climate-net">');
    await signAndConfirm(t, letter.slug, { email: 'c1@example.org', ref: 'climate-net' });
    await signAndConfirm(t, letter.slug, { email: 'c2@example.org', ref: 'climate-net' });
    await postSignature(t.app, letter.slug, signForm({ email: 'c3@example.org', ref: 'climate-net' })).expect(303);
    await signAndConfirm(t, letter.slug, { email: 'n1@example.org', ref: 'newsletter-x' });
    await signAndConfirm(t, letter.slug, { email: 'd1@example.org' });
    await postSignature(t.app, letter.slug, signForm({ email: 'd2@example.org' })).expect(303);
    await postSignature(t.app, letter.slug, signForm({ email: 'd3@example.org', ref: 'Bad Ref!' })).expect(303);

    expect((await signatureByEmail(t.ctx, 'c3@example.org'))?.source).toBe('climate-net');
    expect((await signatureByEmail(t.ctx, 'n1@example.org'))?.source).toBe('newsletter-x');
    expect((await signatureByEmail(t.ctx, 'd3@example.org'))?.source).toBeNull();
    const html = await insightsOf(letter.slug);
    expect(figuresTable(html, 'table-sources')).toEqual({ 'climate-net': [3, 2, 66.7], 'newsletter-x': [1, 1, 100], '': [3, 1, 33.3], quiet: [0, 0, NaN] });
    expect(html).toContain('Climate Network (climate-net)');
    expect(html).toContain('newsletter-x (not registered)');
    expect(html).toContain('direct (no ref)');
  });

  it('when signers come from several domains and organisations, some verified, then the top domains, organisations and affiliations are counted, and no address is shown', async () => {
    const letter = await buildLetter(t.ctx);
    const sign = (email: string, overrides: Parameters<typeof buildSignature>[2] = {}) => buildSignature(t.ctx, letter, { email, state: 'approved', ...overrides });
    for (let i = 0; i < 4; i += 1) await sign(`staff${i}@big.example`, { organisationText: 'Big Org', affiliationVerified: i < 3 });
    for (let i = 0; i < 2; i += 1) await sign(`person${i}@small.example`, { organisationText: 'Small Org' });
    await sign('late@small.example', { organisationText: 'Small Org', state: 'unconfirmed', confirmedAt: null });
    await sign('gone@other.example', { organisationText: 'Other Org', state: 'withdrawn' });
    await sign('quiet@big.example', { organisationText: 'Big Org', showPublic: false });

    const html = await insightsOf(letter.slug);
    expect(figuresTable(html, 'table-domains')).toEqual({ 'big.example': [5, 5], 'small.example': [3, 2], 'other.example': [1, 0] });
    expect(figuresTable(html, 'table-verified')).toEqual({ yes: [3], no: [4] });
    expect([...html.matchAll(/<tr data-organisation><th scope="row">([^<]*)<\/th><td class="number">(\d+)</g)].map(([, name, n]) => [name, Number(n)])).toEqual([['Big Org', 4], ['Small Org', 2]]);
    expect(html).not.toMatch(/[a-z0-9]@[a-z]+\.example/);
  });

  it('when the figures are downloaded as CSV, then they hold the same numbers, and an organisation name that looks like a formula is neutralised', async () => {
    const letter = await buildLetter(t.ctx, { opensAt: new Date(t.clock.now().getTime() - 3_600_000) });
    await buildSignature(t.ctx, letter, { email: 'a@one.example', state: 'approved', organisationText: '=HYPERLINK("http://evil.example")', source: 'climate-net' });
    await buildSignature(t.ctx, letter, { email: 'b@one.example', state: 'pending', organisationText: 'Plain Org' });
    await buildSignature(t.ctx, letter, { email: 'c@two.example', state: 'unconfirmed', confirmedAt: null });

    const response = await owner.agent.get(`/admin/letters/${letter.slug}/insights.csv`).expect(200).expect('content-type', /text\/csv/);
    expect(response.headers['content-disposition']).toContain(`${letter.slug}-insights.csv`);
    const rows = parseCsv(response.text);
    const find = (section: string, item: string) => rows.find((row) => row.Section === section && row.Item === item);
    expect(find('state', 'confirmed')?.Signers).toBe('2');
    expect(find('state', 'unconfirmed')?.Signers).toBe('1');
    expect(find('source', 'climate-net (not registered)')).toMatchObject({ Signers: '1', Confirmed: '1', 'Confirmation rate': '100%' });
    expect(find('source', 'direct (no ref)')).toMatchObject({ Signers: '2', Confirmed: '1', 'Confirmation rate': '50%' });
    expect(find('top email domain', 'one.example')).toMatchObject({ Signers: '2', Confirmed: '2' });
    expect(find('top organisation', `'=HYPERLINK("http://evil.example")`)).toMatchObject({ Listed: '1' });
    expect(find('day (UTC)', '2026-11-01')).toMatchObject({ Confirmed: '2' });
    expect(find('hour (first 72)', '2026-11-01 09:00 UTC')).toMatchObject({ Confirmed: '2' });
    expect(rows.filter((row) => row.Section === 'hour (first 72)')).toHaveLength(72);
    expect(response.text).not.toContain('@');
  });

  it('when a signer who came through a partner signs again before confirming, from the plain page or another partner\'s link, then the first partner keeps the credit', async () => {
    const letter = await buildLetter(t.ctx);
    await postSignature(t.app, letter.slug, signForm({ email: 'again@example.org', ref: 'first-partner' })).expect(303);
    await postSignature(t.app, letter.slug, signForm({ email: 'again@example.org' })).expect(303);
    await postSignature(t.app, letter.slug, signForm({ email: 'again@example.org', ref: 'second-partner' })).expect(303);

    expect((await signatureByEmail(t.ctx, 'again@example.org'))?.source).toBe('first-partner');
    expect(figuresTable(await insightsOf(letter.slug), 'table-sources')).toMatchObject({ 'first-partner': [1, 0, 0] });
  });

  it('when a signer\'s details were erased, then the top domains list no nameless domain row', async () => {
    const letter = await buildLetter(t.ctx);
    await signAndConfirm(t, letter.slug, { email: 'kept@big.example' });
    await signAndConfirm(t, letter.slug, { email: 'erased@small.example' });
    await eraseSigner(t.ctx, { email: 'erased@small.example', actor: SYSTEM_ACTOR });

    expect(figuresTable(await insightsOf(letter.slug), 'table-domains')).toEqual({ 'big.example': [1, 1] });
  });
});

describe('partner sites in production', () => {
  it('when an http origin on this machine is given in production, then it is refused on the origins field; in development it is taken', () => {
    expect(() => refuseDevelopmentOrigins(true, ['https://partner.example', 'http://127.0.0.1:8080'])).toThrow(expect.objectContaining({ status: 422, details: { field: 'origins' } }));
    expect(() => refuseDevelopmentOrigins(true, ['https://partner.example'])).not.toThrow();
    expect(() => refuseDevelopmentOrigins(false, ['http://localhost:8080'])).not.toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { buildLetter } from '../helpers/factories.js';
import { auditRows } from '../helpers/admin-pages.js';
import { loginAs } from '../helpers/organisers.js';
import { signedInAs } from '../helpers/signed-in.js';

const owner = signedInAs('owner');
const { t } = owner;

const partnersPath = (slug: string) => `/admin/letters/${slug}/partners`;
const partnerIds = (html: string): number[] => [...html.matchAll(/<tr data-partner-id="(\d+)"/g)].map(([, id]) => Number(id));

describe('a letter’s partners', () => {
  it('when an owner adds, edits and removes a partner, then the list shows each change and the audit log records it', async () => {
    const letter = await buildLetter(t.ctx);
    await owner.post(partnersPath(letter.slug), { name: 'Climate Network', ref: 'climate-net', origins: 'https://climate.example\nhttp://127.0.0.1:8080  https://climate.example/' }).expect(303).expect('location', `${partnersPath(letter.slug)}?done=added`);
    let html = (await owner.agent.get(partnersPath(letter.slug)).expect(200)).text;
    const [id] = partnerIds(html);
    expect(html).toContain('https://climate.example, http://127.0.0.1:8080');
    expect(html).toContain(`/letters/${letter.slug}/embed/sign?ref=climate-net`);

    await owner.post(`${partnersPath(letter.slug)}/${id}`, { name: 'Climate Net', ref: 'climate', origins: 'https://news.climate.example' }).expect(303);
    html = (await owner.agent.get(partnersPath(letter.slug)).expect(200)).text;
    expect(html).toContain('Climate Net</th>');
    expect(html).toContain('<code>climate</code>');
    expect(html).toContain('https://news.climate.example');

    await owner.post(`${partnersPath(letter.slug)}/${id}/delete`).expect(303);
    expect(partnerIds((await owner.agent.get(partnersPath(letter.slug)).expect(200)).text)).toEqual([]);
    expect((await auditRows(t, 'partner.create'))[0]).toMatchObject({ subject: `letter:${letter.slug}`, details: { ref: 'climate-net', origins: ['https://climate.example', 'http://127.0.0.1:8080'] } });
    expect((await auditRows(t, 'partner.update'))[0]).toMatchObject({ details: { before: { ref: 'climate-net' }, after: { ref: 'climate' } } });
    expect((await auditRows(t, 'partner.delete'))[0]).toMatchObject({ details: { ref: 'climate' } });
  });

  it.each([
    ['a ref with capitals and spaces', { ref: 'Climate Net' }, 'ref', 'lower-case letters'],
    ['an empty ref', { ref: '' }, 'ref', 'Enter the ref'],
    ['a ref longer than 40', { ref: 'a'.repeat(41) }, 'ref', '1 to 40'],
    ['an empty name', { name: '' }, 'name', 'Enter your partner name'],
    ['a plain http site', { origins: 'http://partner.example' }, 'origins', 'is not a site'],
    ['a site with a path', { origins: 'https://partner.example/page' }, 'origins', 'is not a site'],
    ['a wildcard site', { origins: 'https://*.partner.example' }, 'origins', 'is not a site'],
    ['a policy injection', { origins: "https://partner.example;script-src 'unsafe-inline'" }, 'origins', 'is not a site'],
    ['eleven sites', { origins: Array.from({ length: 11 }, (_, i) => `https://p${i}.example`).join('\n') }, 'origins', 'at most 10'],
  ])('when an owner adds a partner with %s, then the form comes back with a 422 next to the field and nothing is stored', async (_case, fields, field, message) => {
    const letter = await buildLetter(t.ctx);
    const response = await owner.post(partnersPath(letter.slug), { name: 'Partner', ref: 'partner', origins: '', ...fields }).expect(422);
    expect(response.text).toMatch(new RegExp(`id="error-${field}"[^>]*>[\\s\\S]*?${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(partnerIds(response.text)).toEqual([]);
    expect(await auditRows(t, 'partner.create')).toEqual([]);
  });

  it('when a second partner of the letter takes a ref already used, then it is refused with a 409 on the ref; another letter may use it', async () => {
    const letter = await buildLetter(t.ctx);
    const other = await buildLetter(t.ctx);
    await owner.post(partnersPath(letter.slug), { name: 'First', ref: 'shared', origins: '' }).expect(303);
    const refused = await owner.post(partnersPath(letter.slug), { name: 'Second', ref: 'shared', origins: '' }).expect(409);
    expect(refused.text).toContain('Another partner of this letter uses this ref');
    await owner.post(partnersPath(other.slug), { name: 'Elsewhere', ref: 'shared', origins: '' }).expect(303);
  });

  it('when a viewer opens the partners, then they see them but can neither add, edit nor remove one', async () => {
    const letter = await buildLetter(t.ctx);
    await owner.post(partnersPath(letter.slug), { name: 'Partner', ref: 'partner', origins: '' }).expect(303);
    const [id] = partnerIds((await owner.agent.get(partnersPath(letter.slug))).text);
    const viewer = await loginAs(t, 'viewer');
    const html = (await viewer.agent.get(partnersPath(letter.slug)).expect(200)).text;
    expect(html).toContain('Partner</th>');
    expect(html).not.toContain('Add a partner');
    await viewer.post(partnersPath(letter.slug), { name: 'Mine', ref: 'mine', origins: '' }).expect(403);
    await viewer.post(`${partnersPath(letter.slug)}/${id}/delete`).expect(403);
    await viewer.agent.get(`${partnersPath(letter.slug)}/${id}`).expect(403);
  });

  it('when a partner id is not one of the letter’s, then its pages answer 404', async () => {
    const letter = await buildLetter(t.ctx);
    const other = await buildLetter(t.ctx);
    await owner.post(partnersPath(other.slug), { name: 'Theirs', ref: 'theirs', origins: '' }).expect(303);
    const [id] = partnerIds((await owner.agent.get(partnersPath(other.slug))).text);
    await owner.agent.get(`${partnersPath(letter.slug)}/${id}`).expect(404);
    await owner.post(`${partnersPath(letter.slug)}/${id}/delete`).expect(404);
    await owner.agent.get(`${partnersPath(letter.slug)}/not-a-number`).expect(404);
  });
});

import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { auditRows } from '../helpers/admin-pages.js';
import { buildLetter } from '../helpers/factories.js';
import { loginAs } from '../helpers/organisers.js';
import { signedInAs } from '../helpers/signed-in.js';

const owner = signedInAs('owner');
const { t } = owner;
const deliveryPath = (slug: string) => `/admin/letters/${slug}/delivery`;
const letterPage = async (slug: string) => (await request(t.app).get(`/letters/${slug}`).expect(200)).text;

const DELIVERED = { recipient: 'The Minister for Digital Affairs', deliveredOn: '2026-12-01', deliveryNote: 'Handed over at the ministry’s door.', deliveryLink: 'https://coalition.example/handover', responseOn: '', responseText: '', responseLink: '' };

describe('the delivery of a letter', () => {
  it('when an owner records the delivery and later the response, then the letter page shows each, the form keeps them for editing, and each save is audited', async () => {
    const letter = await buildLetter(t.ctx);
    expect(await letterPage(letter.slug)).not.toContain('delivery-heading');

    await owner.post(deliveryPath(letter.slug), DELIVERED).expect(303).expect('location', `${deliveryPath(letter.slug)}?done=saved`);
    let page = await letterPage(letter.slug);
    expect(page).toContain('Delivered to <strong>The Minister for Digital Affairs</strong> on <time datetime="2026-12-01">December 1, 2026</time>');
    expect(page).toContain('Handed over at the ministry’s door.');
    expect(page).toContain('href="https://coalition.example/handover"');
    expect(page).toContain('No response yet.');

    const response = { ...DELIVERED, responseOn: '2026-12-20', responseText: 'We will consider the letter <carefully>.', responseLink: 'https://ministry.example/reply' };
    await owner.post(deliveryPath(letter.slug), response).expect(303);
    page = await letterPage(letter.slug);
    expect(page).toContain('<time datetime="2026-12-20">December 20, 2026</time>');
    expect(page).toContain('We will consider the letter &lt;carefully&gt;.');
    expect(page).toContain('href="https://ministry.example/reply"');
    expect(page).not.toContain('No response yet.');

    const form = (await owner.agent.get(deliveryPath(letter.slug)).expect(200)).text;
    expect(form).toContain('value="The Minister for Digital Affairs"');
    expect(form).toContain('value="2026-12-20"');
    expect((await auditRows(t, 'delivery.record'))[0]).toMatchObject({ subject: `letter:${letter.slug}`, details: { before: null, after: { recipient: DELIVERED.recipient } } });
    expect((await auditRows(t, 'delivery.update'))[0]).toMatchObject({ details: { before: { response: null }, after: { responseOn: '2026-12-20' } } });

    await owner.post(`${deliveryPath(letter.slug)}/delete`).expect(303);
    expect(await letterPage(letter.slug)).not.toContain('delivery-heading');
    expect(await auditRows(t, 'delivery.remove')).toHaveLength(1);
  });

  it.each([
    ['no recipient', { recipient: '' }, 'recipient', 'Enter who the letter was delivered to'],
    ['a day that does not exist', { deliveredOn: '2026-02-30' }, 'deliveredOn', 'as a date'],
    ['a thirteenth month', { deliveredOn: '2026-13-01' }, 'deliveredOn', 'as a date'],
    ['a day zero', { deliveredOn: '2026-12-00' }, 'deliveredOn', 'as a date'],
    ['a response day of zeros', { responseOn: '0000-00-00', responseText: 'Thanks' }, 'responseOn', 'as a date'],
    ['a delivery in year 1', { deliveredOn: '0001-01-01' }, 'deliveredOn', 'as a date'],
    ['a script link', { deliveryLink: 'javascript:alert(1)' }, 'deliveryLink', 'starting with https://'],
    ['a response without its day', { responseText: 'Thanks' }, 'responseOn', 'Enter the day of the response'],
    ['a response day without a response', { responseOn: '2026-12-20' }, 'responseText', 'Enter the response'],
    ['a response before the delivery', { responseOn: '2026-11-01', responseText: 'Early' }, 'responseOn', 'cannot come before the delivery'],
    ['a recipient of 201 characters', { recipient: 'x'.repeat(201) }, 'recipient', '200 characters or fewer'],
  ])('when an owner saves %s, then the form comes back with a 422 next to the field and nothing is stored', async (_case, fields, field, message) => {
    const letter = await buildLetter(t.ctx);
    const response = await owner.post(deliveryPath(letter.slug), { ...DELIVERED, ...fields }).expect(422);
    expect(response.text).toMatch(new RegExp(`id="error-${field}"[^>]*>[\\s\\S]*?${message}`));
    // A day that is not one is not given back: a date input takes no other value.
    if (field === 'deliveredOn') expect(response.text).toMatch(/id="field-deliveredOn" name="deliveredOn" type="date" value=""/);
    expect(await letterPage(letter.slug)).not.toContain('delivery-heading');
    expect(await auditRows(t, 'delivery.record')).toEqual([]);
  });

  it('when a viewer opens the delivery page, then they see the delivery without a form', async () => {
    const letter = await buildLetter(t.ctx);
    await owner.post(deliveryPath(letter.slug), DELIVERED).expect(303);
    const viewer = await loginAs(t, 'viewer');
    const html = (await viewer.agent.get(deliveryPath(letter.slug)).expect(200)).text;
    expect(html).toContain('Delivered to <strong>The Minister for Digital Affairs</strong>');
    expect(html).not.toContain('Save delivery');
  });

  it('when the letter is unknown, then the page answers 404', async () => {
    await owner.agent.get(deliveryPath('no-such-letter')).expect(404);
    await owner.post(deliveryPath('no-such-letter'), DELIVERED).expect(404);
  });
});

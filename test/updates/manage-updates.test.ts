import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { fillUpdateOutbox } from '../../server/updates/index.js';
import { auditRows } from '../helpers/admin-pages.js';
import { sqlRows } from '../helpers/database.js';
import { buildLetter, buildSignature } from '../helpers/factories.js';
import { signedInAs } from '../helpers/signed-in.js';
import { draftThroughForm, updatesPath } from './helpers.js';

const owner = signedInAs('owner');
const { t } = owner;

describe('managing updates', () => {
  it('when an owner ticks "show on the letter page", then the sent update appears there with its title, date and body; a draft never does, and hiding takes it off', async () => {
    const letter = await buildLetter(t.ctx);
    const id = await draftThroughForm(owner, letter.slug, { subject: 'We met the minister', body: 'She *listened*.', showOnLetter: 'yes' });
    expect((await request(t.app).get(`/letters/${letter.slug}`).expect(200)).text).not.toContain('We met the minister');
    await owner.post(`${updatesPath(letter.slug)}/${id}/send`).expect(303);
    let page = (await request(t.app).get(`/letters/${letter.slug}`).expect(200)).text;
    expect(page).toContain('Updates from the organisers');
    expect(page).toContain('<h3>We met the minister</h3>');
    expect(page).toContain('<em>listened</em>');
    expect(page).toContain(`datetime="${t.clock.now().toISOString()}"`);
    await owner.post(`${updatesPath(letter.slug)}/${id}/shown`, { shown: 'no' }).expect(303).expect('location', `${updatesPath(letter.slug)}?done=hidden`);
    page = (await request(t.app).get(`/letters/${letter.slug}`).expect(200)).text;
    expect(page).not.toContain('We met the minister');
    expect((await auditRows(t, 'update.hide'))[0]).toMatchObject({ details: { updateId: id } });
    const list = (await owner.agent.get(updatesPath(letter.slug)).expect(200)).text;
    expect(list).toContain(`data-update-id="${id}"`);
    expect(list).toContain('queued 0 / sent 0');
  });

  it('when an owner changes a draft, then the preview shows the new text; once sent, a change is refused with a 409 and the sent text stays', async () => {
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { state: 'approved', contactUpdates: true });
    const id = await draftThroughForm(owner, letter.slug);
    await owner.post(`${updatesPath(letter.slug)}/${id}`, { subject: 'Better subject', body: 'Better text', showOnLetter: 'no' }).expect(303);
    expect((await owner.agent.get(`${updatesPath(letter.slug)}/${id}`)).text).toContain('Better subject');
    await owner.post(`${updatesPath(letter.slug)}/${id}/send`).expect(303);
    const refused = await owner.post(`${updatesPath(letter.slug)}/${id}`, { subject: 'Sneaky', body: 'Changed after sending', showOnLetter: 'no' }).expect(409);
    expect(refused.text).toContain('sent once');
    await fillUpdateOutbox(t.ctx, { batchSize: 10, backlogLimit: 10 });
    const [row] = await sqlRows<{ content: string }>(t, "SELECT content FROM outbox WHERE kind = 'update'");
    expect(row?.content).toContain('Better text');
  });

  it.each([
    ['an empty subject', { subject: '' }, 'subject', 'Enter your subject'],
    ['a subject of 151 characters', { subject: 's'.repeat(151) }, 'subject', '150 characters or fewer'],
    ['a subject with a line break', { subject: 'Hello\r\nBcc: victim@example.org' }, 'subject', 'not allowed'],
    ['an empty text', { body: '   ' }, 'body', 'Enter your text of the update'],
    ['a text of 20,001 characters', { body: 'b'.repeat(20_001) }, 'body', '20000 characters or fewer'],
  ])('when an owner writes an update with %s, then the form comes back with a 422 next to the field and no update is stored', async (_case, fields, field, message) => {
    const letter = await buildLetter(t.ctx);
    const response = await owner.post(updatesPath(letter.slug), { subject: 'Subject', body: 'Text', showOnLetter: 'no', ...fields }).expect(422);
    expect(response.text).toMatch(new RegExp(`id="error-${field}"[^>]*>[\\s\\S]*?${message}`));
    expect(await sqlRows(t, 'SELECT id FROM letter_updates')).toEqual([]);
  });

  it('when an owner writes the longest update allowed in letters that take many bytes each, then it is stored, not refused for its size', async () => {
    const letter = await buildLetter(t.ctx);
    await draftThroughForm(owner, letter.slug, { body: '✊'.repeat(20_000) });
    expect(await sqlRows(t, 'SELECT id FROM letter_updates')).toHaveLength(1);
  });

  it('when an update address names no update of the letter, then it answers 404, never a 500', async () => {
    const letter = await buildLetter(t.ctx);
    const other = await buildLetter(t.ctx);
    const theirs = await draftThroughForm(owner, other.slug);
    await owner.agent.get(`${updatesPath(letter.slug)}/${theirs}`).expect(404);
    await owner.post(`${updatesPath(letter.slug)}/${theirs}/send`).expect(404);
    await owner.agent.get(`${updatesPath(letter.slug)}/abc`).expect(404);
    await owner.agent.get(`${updatesPath(letter.slug)}/99999999999999999999`).expect(404);
    await owner.agent.get(`${updatesPath('no-such-letter')}`).expect(404);
    expect((await sqlRows<{ state: string }>(t, `SELECT state FROM letter_updates WHERE id = ${theirs}`))[0]?.state).toBe('draft');
  });

  it('when an unsubscribe link is mistyped or made up, then its page answers 404 and a POST changes nothing', async () => {
    await request(t.app).get('/unsubscribe/not-a-token').expect(404);
    await request(t.app).get(`/unsubscribe/${'A'.repeat(43)}`).expect(404);
    await request(t.app).post(`/unsubscribe/${'A'.repeat(43)}`).type('form').send('List-Unsubscribe=One-Click').expect(404);
  });
});

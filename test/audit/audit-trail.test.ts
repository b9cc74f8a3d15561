import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { recordAudit, SYSTEM_ACTOR } from '../../server/audit/record.js';
import { appPerTest } from '../helpers/app.js';
import { buildLetter } from '../helpers/factories.js';
import { loginAs, TEST_PASSWORD } from '../helpers/organisers.js';
import { sqlRows } from '../helpers/database.js';

const t = appPerTest();

const events = async () =>
  (await sqlRows<{ organiser_id: number | null; actor: string; action: string; subject: string | null; details: string | null }>(t, 'SELECT organiser_id, actor, action, subject, details FROM audit_events ORDER BY id'));

describe('the audit trail', () => {
  it('when an organiser signs in, fails, changes a letter and signs out, then each action is recorded with who and what, and no password', async () => {
    const letter = await buildLetter(t.ctx);
    const owner = await loginAs(t, 'owner', { name: 'Olive Owner', email: 'olive@organisers.example' });
    await request(t.app).post('/admin/login').type('form').send({ email: 'olive@organisers.example', password: 'a wrong password' }).expect(401);
    await request(t.app).post('/admin/login').type('form').send({ email: 'nobody@organisers.example', password: 'a wrong password' }).expect(401);
    await owner.agent.post(`/admin/letters/${letter.slug}/status`).type('form').send({ _csrf: owner.csrfToken, status: 'closed' }).expect(303);
    await owner.agent.post('/admin/logout').type('form').send({ _csrf: owner.csrfToken }).expect(303);

    const recorded = await events();
    expect(recorded.map((event) => event.action)).toEqual(['organiser.add', 'organiser.login', 'organiser.login_failed', 'organiser.login_failed', 'letter.status', 'organiser.logout']);
    const [, login, wrong, unknown, status, logout] = recorded;
    expect(login).toMatchObject({ organiser_id: owner.organiser.id, actor: 'Olive Owner <olive@organisers.example>', subject: 'organiser:olive@organisers.example' });
    expect(wrong).toMatchObject({ organiser_id: null, subject: 'organiser:olive@organisers.example' });
    expect(JSON.parse(wrong?.details ?? '{}')).toMatchObject({ reason: 'wrong_password' });
    expect(unknown?.subject).toBeNull();
    expect(JSON.parse(unknown?.details ?? '{}')).toMatchObject({ reason: 'unknown_account' });
    expect(status).toMatchObject({ organiser_id: owner.organiser.id, subject: `letter:${letter.slug}` });
    expect(logout?.organiser_id).toBe(owner.organiser.id);
    const everything = JSON.stringify(recorded);
    expect(everything).not.toContain(TEST_PASSWORD);
    expect(everything).not.toContain('a wrong password');
  });

  it('when an owner opens the audit log, then events are newest first, 50 a page, with a link to older ones', async () => {
    const owner = await loginAs(t, 'owner');
    for (let i = 1; i <= 60; i += 1) {
      t.clock.advance(1000);
      await t.ctx.db.write((tx) => recordAudit(tx, { actor: SYSTEM_ACTOR, action: 'test.event', subject: `item:${i}` }, t.clock.now()));
    }
    const first = await owner.agent.get('/admin/audit').expect(200);
    const subjects = (html: string) => [...html.matchAll(/<td>item:(\d+)<\/td>/g)].map((match) => Number(match[1]));
    expect(subjects(first.text).slice(0, 3)).toEqual([60, 59, 58]);
    expect(subjects(first.text)).toHaveLength(50);
    const older = first.text.match(/href="(\/admin\/audit\?before=\d+)"/)?.[1];
    expect(older).toBeDefined();
    const second = await owner.agent.get(older as string).expect(200);
    expect(subjects(second.text)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(second.text).not.toMatch(/before=\d+/);
  });

  it('when letter text contains markup, then the audit page shows it escaped', async () => {
    const owner = await loginAs(t, 'owner');
    await t.ctx.db.write((tx) => recordAudit(tx, { actor: SYSTEM_ACTOR, action: 'test.event', subject: '<img src=x onerror=alert(1)>', details: { note: '<script>' } }, t.clock.now()));
    const page = await owner.agent.get('/admin/audit').expect(200);
    expect(page.text).not.toContain('<img src=x');
    expect(page.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page.text).not.toContain('"<script>"');
  });
});

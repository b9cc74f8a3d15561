import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildLetter } from '../helpers/factories.js';

let t: TestApp;
afterEach(() => t.close());

const text = (html: string): string => html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');

describe('the privacy page', () => {
  it('when opened, then it states the periods from the actual settings', async () => {
    t = await buildTestApp({ env: { CONFIRM_TOKEN_DAYS: '5', REMINDER_HOURS: '36', UNCONFIRMED_RETENTION_DAYS: '21', IP_RETENTION_DAYS: '45', ANONYMISE_AFTER_DAYS: '60' } });
    const res = await request(t.app).get('/privacy');
    expect(res.status).toBe(200);
    const page = text(res.text);
    expect(res.text.match(/<h1[ >]/g)).toHaveLength(1);
    expect(page).toContain('works for 5 days');
    expect(page).toContain('after 36 hours, we send one reminder');
    expect(page).toContain('deleted after 21 days');
    expect(page).toContain('erased after 45 days');
    expect(page).toContain('closed for 60 days');
    expect(page).toContain('it works for 365 days');
    expect(page).toContain('How to withdraw');
  });

  it('when reminders are off, then the page says so', async () => {
    t = await buildTestApp({ env: { REMINDER_HOURS: '0' } });
    const page = text((await request(t.app).get('/privacy')).text);
    expect(page).toContain('We do not send reminders');
    expect(page).not.toContain('one reminder');
  });

  it('when a letter is shown, then the footer and the sign form link to the privacy page', async () => {
    t = await buildTestApp();
    const letter = await buildLetter(t.ctx);
    const res = await request(t.app).get(`/letters/${letter.slug}`);
    const form = res.text.slice(res.text.indexOf('<form class="sign-form"'), res.text.indexOf('</form>'));
    const footer = res.text.slice(res.text.indexOf('<footer'));
    expect(form).toContain('href="/privacy"');
    expect(footer).toContain('href="/privacy"');
  });
});

describe('privacy settings', () => {
  it('when unconfirmed signatures would be deleted before their link expires, then start-up fails naming the setting', () => {
    expect(() => loadConfig({ CONFIRM_TOKEN_DAYS: '14', UNCONFIRMED_RETENTION_DAYS: '10' })).toThrow(ConfigError);
    expect(() => loadConfig({ CONFIRM_TOKEN_DAYS: '14', UNCONFIRMED_RETENTION_DAYS: '10' })).toThrow(/UNCONFIRMED_RETENTION_DAYS/);
    expect(loadConfig({ REMINDER_HOURS: '0', JOBS_INTERVAL_MINUTES: '0' })).toMatchObject({ reminderHours: 0, jobsIntervalMinutes: 0, unconfirmedRetentionDays: 30, ipRetentionDays: 90, anonymiseAfterDays: 30 });
  });
});

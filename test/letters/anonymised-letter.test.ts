import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { anonymiseLetter } from '../../server/privacy/anonymise-letter.js';
import type { LetterRow } from '../../server/letters/table.js';
import { appPerTest, databaseEnv } from '../helpers/app.js';
import { runCliProcess } from '../helpers/cli.js';
import { TestClock } from '../helpers/clock.js';
import { tempDir } from '../helpers/config.js';
import { buildLetter, buildSignature, reloadLetter } from '../helpers/factories.js';
import { loginAs } from '../helpers/organisers.js';
import { sqlRows } from '../helpers/database.js';

const DAY = 24 * 60 * 60 * 1000;

// The command line reads the real clock: the test's starts there too.
const t = appPerTest(() => ({ clock: new TestClock(Date.now()) }));

/** A letter that closed 40 days ago (at its closing time, or by hand) and whose signatories were anonymised since. */
async function anonymisedLetter(closed: 'at its closing time' | 'by hand' = 'at its closing time'): Promise<LetterRow> {
  const fortyDaysAgo = new Date(t.clock.now().getTime() - 40 * DAY);
  const letter = await buildLetter(t.ctx, { moderation: 'post', closesAt: closed === 'by hand' ? null : fortyDaysAgo });
  if (closed === 'by hand') await sqlRows(t, "UPDATE letters SET status = 'closed', updated_at = ? WHERE id = ?", fortyDaysAgo.getTime(), letter.id);
  await buildSignature(t.ctx, letter, { state: 'approved' });
  await anonymiseLetter(t.ctx, { letterId: letter.id, actor: SYSTEM_ACTOR });
  return reloadLetter(t.ctx, letter.slug);
}

describe('an anonymised letter', () => {
  it('when an owner opens it again in the admin, then 409 says why and it stays closed', async () => {
    const letter = await anonymisedLetter('by hand');
    const owner = await loginAs(t, 'owner');

    const res = await owner.agent.post(`/admin/letters/${letter.slug}/status`).type('form').send({ _csrf: owner.csrfToken, status: 'open' });

    expect(res.status).toBe(409);
    expect(res.text).toContain('signatories were anonymised');
    expect(res.text).toContain('counted twice');
    expect((await reloadLetter(t.ctx, letter.slug)).status).toBe('closed');
  });

  it('when an owner moves its closing time into the future, then 409 says why next to the field and nothing changes', async () => {
    const letter = await anonymisedLetter();
    const owner = await loginAs(t, 'owner');

    const res = await owner.agent
      .post(`/admin/letters/${letter.slug}`)
      .type('form')
      .send({ _csrf: owner.csrfToken, title: 'A new title', summary: letter.summary, body: letter.body, moderation: 'post', opens_at: '', closes_at: '' });

    expect(res.status).toBe(409);
    expect(res.text).toContain('signatories were anonymised');
    expect(await reloadLetter(t.ctx, letter.slug)).toMatchObject({ title: letter.title, closesAt: letter.closesAt });
  });

  it('when `letter import --update` would open it again, then the command refuses with the reason and the letter is unchanged', async () => {
    const letter = await anonymisedLetter('by hand');
    const file = join(tempDir(), 'letter.md');
    writeFileSync(file, `---\nslug: ${letter.slug}\ntitle: Reopened\nstatus: open\nmoderation: post\n---\n\nA new text.\n`);

    const result = await runCliProcess(['letter', 'import', file, '--update'], databaseEnv(t.config));

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('signatories were anonymised');
    expect(await reloadLetter(t.ctx, letter.slug)).toMatchObject({ status: 'closed', title: letter.title, currentVersionId: letter.currentVersionId });
  }, 60_000);

  it('when an owner edits the text of a closed anonymised letter without reopening it, then that is allowed', async () => {
    const letter = await anonymisedLetter();
    const owner = await loginAs(t, 'owner');
    await owner.agent
      .post(`/admin/letters/${letter.slug}`)
      .type('form')
      .send({ _csrf: owner.csrfToken, title: 'A corrected title', summary: letter.summary, body: letter.body, moderation: 'post', opens_at: '', closes_at: new Date(letter.closesAt!.getTime()).toISOString().slice(0, 16) })
      .expect(303);
    expect((await reloadLetter(t.ctx, letter.slug)).title).toBe('A corrected title');
  });
});

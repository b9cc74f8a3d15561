import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCliCommand } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';

const LETTER = `---
slug: open-the-archives
title: "Open the archives: a letter to the board"
summary: 'We ask for the records to be public.'
status: open
moderation: post
closes_at: 2030-01-31T17:00:00.000Z
---

To the board,

We ask you to **open the archives**.

- one
- two
`;

const files = () => {
  const dir = tempDir();
  return { dir, env: { DATABASE_PATH: join(dir, 'letters.db') } };
};

describe('undersigned letter', () => {
  it('when a letter file is imported and exported, then the export reads back into another database unchanged', async () => {
    const { dir, env } = files();
    writeFileSync(join(dir, 'letter.md'), LETTER);
    const imported = await runCliCommand(['letter', 'import', join(dir, 'letter.md')], env);
    expect(imported).toMatchObject({ code: 0, stdout: 'imported letter open-the-archives (open)\n' });

    const exported = await runCliCommand(['letter', 'export', 'open-the-archives'], env);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('title: "Open the archives: a letter to the board"');
    expect(exported.stdout).toContain('closes_at: 2030-01-31T17:00:00.000Z');
    expect(exported.stdout).toContain('We ask you to **open the archives**.\n\n- one\n- two\n');

    writeFileSync(join(dir, 'copy.md'), exported.stdout);
    const other = { DATABASE_PATH: join(dir, 'other.db') };
    expect((await runCliCommand(['letter', 'import', join(dir, 'copy.md')], other)).code).toBe(0);
    expect((await runCliCommand(['letter', 'export', 'open-the-archives'], other)).stdout).toBe(exported.stdout);

    const db = new Database(env.DATABASE_PATH, { readonly: true });
    const row = db.prepare('SELECT title, summary, status, moderation, closes_at FROM letters').get();
    const audit = db.prepare('SELECT actor, action FROM audit_events').all();
    db.close();
    expect(row).toEqual({ title: 'Open the archives: a letter to the board', summary: 'We ask for the records to be public.', status: 'open', moderation: 'post', closes_at: Date.parse('2030-01-31T17:00:00Z') });
    expect(audit).toEqual([{ actor: 'command line', action: 'letter.create' }]);
  });

  it('when the same slug is imported again, then it is refused unless --update, which publishes a new version', async () => {
    const { dir, env } = files();
    writeFileSync(join(dir, 'letter.md'), LETTER);
    await runCliCommand(['letter', 'import', join(dir, 'letter.md')], env);
    const again = await runCliCommand(['letter', 'import', join(dir, 'letter.md')], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists; add --update/);
    writeFileSync(join(dir, 'letter.md'), LETTER.replace('open the archives**', 'open all the archives**'));
    expect(await runCliCommand(['letter', 'import', '--update', join(dir, 'letter.md')], env)).toMatchObject({ code: 0, stdout: 'updated letter open-the-archives (open)\n' });
    const db = new Database(env.DATABASE_PATH, { readonly: true });
    const versions = db.prepare('SELECT number, body FROM letter_versions ORDER BY number').all() as Array<{ number: number; body: string }>;
    db.close();
    expect(versions.map((version) => version.number)).toEqual([1, 2]);
    expect(versions[1]?.body).toContain('open all the archives');
  });

  it.each([
    ['asks for a status the letter cannot take', { from: 'status: open', to: 'status: draft' }, /cannot become draft/],
    ['moves the closing time of the open letter into the past', { from: 'closes_at: 2030-01-31T17:00:00.000Z', to: 'closes_at: 2001-01-31T17:00:00.000Z' }, /closes_at: The closing time is in the past.*use Close/],
  ])('when an update %s, then it exits 1 and the letter keeps its text, settings and versions', async (_what, change, message) => {
    const { dir, env } = files();
    writeFileSync(join(dir, 'letter.md'), LETTER);
    await runCliCommand(['letter', 'import', join(dir, 'letter.md')], env);
    const snapshot = () => {
      const db = new Database(env.DATABASE_PATH, { readonly: true });
      const rows = [db.prepare('SELECT * FROM letters').all(), db.prepare('SELECT * FROM letter_versions').all()];
      db.close();
      return rows;
    };
    const before = snapshot();
    writeFileSync(join(dir, 'letter.md'), LETTER.replace('open the archives**', 'open all the archives**').replace(change.from, change.to));

    const result = await runCliCommand(['letter', 'import', '--update', join(dir, 'letter.md')], env);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(snapshot()).toEqual(before);
  });

  it.each([
    ['no front matter', 'Just text', /must start with a front matter block/],
    ['an unknown key', LETTER.replace('moderation: post', 'moderaton: post'), /unknown front matter key "moderaton"/],
    ['a bad slug', LETTER.replace('slug: open-the-archives', 'slug: Open The Archives'), /slug: Use lower-case/],
    ['a bad status', LETTER.replace('status: open', 'status: published'), /status must be one of draft, open, closed/],
    ['an empty body', LETTER.slice(0, LETTER.indexOf('To the board')), /body: Enter your text of the letter/],
    ['an unclosed quote', LETTER.replace('"Open the archives: a letter to the board"', '"Open the archives'), /quoted value is not closed/],
  ])('when the file has %s, then it exits 1 with one line and stores nothing', async (_what, text, message) => {
    const { dir, env } = files();
    writeFileSync(join(dir, 'letter.md'), text);
    const result = await runCliCommand(['letter', 'import', join(dir, 'letter.md')], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    const db = new Database(env.DATABASE_PATH, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM letters').get()).toEqual({ n: 0 });
    db.close();
  });

  it('when the file or the letter does not exist, then it exits 1 saying so', async () => {
    const { dir, env } = files();
    expect((await runCliCommand(['letter', 'import', join(dir, 'missing.md')], env)).stderr).toMatch(/cannot read .*missing\.md: no such file/);
    expect((await runCliCommand(['letter', 'export', 'nope'], env)).stderr).toMatch(/no letter has the slug "nope"/);
    expect(readFileSync(join(dir, 'letters.db')).length).toBeGreaterThan(0);
  });
});

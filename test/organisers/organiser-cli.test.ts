import { join } from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { buildTestApp, databaseEnv } from '../helpers/app.js';
import { runCliCommand, runCliProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';

const PASSWORD = 'a long enough passphrase';

// The commands run in-process through runCli; the piped password goes through a real child process.
describe('undersigned organiser', () => {
  it('when organisers are added, listed, re-roled and removed, then each step works and is audited as the command line', async () => {
    const env = { DATABASE_PATH: join(tempDir(), 'cli.db') };
    const added = await runCliCommand(['organiser', 'add', '--email', 'Ada@Example.org', '--name', 'Ada Lovelace', '--role', 'owner'], env, `${PASSWORD}\n`);
    expect(added).toMatchObject({ code: 0, stdout: 'added ada@example.org as owner\n' });
    expect(added.stdout + added.stderr).not.toContain(PASSWORD);
    await runCliCommand(['organiser', 'add', '--email', 'grace@example.org', '--name', 'Grace', '--role', 'viewer'], env, `${PASSWORD}\n`);

    const listed = await runCliCommand(['organiser', 'list'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^ada@example\.org\s+owner\s+Ada Lovelace/), expect.stringMatching(/^grace@example\.org\s+viewer\s+Grace/)]);

    expect(await runCliCommand(['organiser', 'set-role', '--email', 'grace@example.org', '--role', 'moderator'], env)).toMatchObject({ code: 0, stdout: 'grace@example.org is now moderator\n' });
    expect(await runCliCommand(['organiser', 'remove', '--email', 'grace@example.org'], env)).toMatchObject({ code: 0, stdout: 'removed grace@example.org\n' });
    expect((await runCliCommand(['organiser', 'list'], env)).stdout).not.toContain('grace@');

    const db = new Database(env.DATABASE_PATH, { readonly: true });
    const audit = db.prepare('SELECT actor, action, subject FROM audit_events ORDER BY id').all();
    db.close();
    expect(audit).toEqual([
      { actor: 'command line', action: 'organiser.add', subject: 'organiser:ada@example.org' },
      { actor: 'command line', action: 'organiser.add', subject: 'organiser:grace@example.org' },
      { actor: 'command line', action: 'organiser.role', subject: 'organiser:grace@example.org' },
      { actor: 'command line', action: 'organiser.remove', subject: 'organiser:grace@example.org' },
    ]);
  });

  it('when an organiser was added with a piped password, then that password signs in on the web', async () => {
    const t = await buildTestApp();
    try {
      expect(await runCliProcess(['organiser', 'add', '--email', 'ada@example.org', '--name', 'Ada', '--role', 'moderator'], databaseEnv(t.config), `${PASSWORD}\r\nignored second line\n`)).toMatchObject({ code: 0 });
      await request(t.app).post('/admin/login').type('form').send({ email: 'ada@example.org', password: PASSWORD }).expect(303);
    } finally {
      await t.close();
    }
  });

  it.each([
    [['--email', 'ada@example.org', '--name', 'Again', '--role', 'owner'], PASSWORD, /already exists/],
    [['--email', 'new@example.org', '--name', 'Weak', '--role', 'owner'], 'short pass', /at least 12 characters/],
    [['--email', 'new@example.org', '--name', 'Nobody', '--role', 'admin'], PASSWORD, /Role must be one of: owner, moderator, viewer/],
    [['--email', 'not-an-email', '--name', 'X', '--role', 'viewer'], PASSWORD, /email address/],
    [['--name', 'No email', '--role', 'viewer'], PASSWORD, /--email is required/],
    [['--email', 'new@example.org', '--name', 'Empty', '--role', 'viewer'], '', /password on the first line/],
  ])('when add is given %j, then it exits 1 with one clear line and adds nobody', async (args, password, message) => {
    const env = { DATABASE_PATH: join(tempDir(), 'cli.db') };
    await runCliCommand(['organiser', 'add', '--email', 'ada@example.org', '--name', 'Ada', '--role', 'owner'], env, `${PASSWORD}\n`);
    const result = await runCliCommand(['organiser', 'add', ...args], env, `${password}\n`);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toContain('unexpected error');
    expect((await runCliCommand(['organiser', 'list'], env)).stdout.trim().split('\n')).toHaveLength(1);
  });

  it('when the last owner would be removed or demoted, then it exits 1', async () => {
    const env = { DATABASE_PATH: join(tempDir(), 'cli.db') };
    await runCliCommand(['organiser', 'add', '--email', 'ada@example.org', '--name', 'Ada', '--role', 'owner'], env, `${PASSWORD}\n`);
    expect((await runCliCommand(['organiser', 'remove', '--email', 'ada@example.org'], env)).stderr).toMatch(/only owner/);
    expect((await runCliCommand(['organiser', 'set-role', '--email', 'ada@example.org', '--role', 'viewer'], env)).code).toBe(1);
    expect((await runCliCommand(['organiser', 'remove', '--email', 'ghost@example.org'], env)).stderr).toMatch(/No organiser has the email ghost@example.org/);
  });

  it('when asked for help, then it explains every subcommand', async () => {
    const help = await runCliCommand(['organiser', '--help'], {});
    expect(help.code).toBe(0);
    for (const word of ['add', 'list', 'set-role', 'set-password', 'remove', 'standard input']) expect(help.stdout).toContain(word);
    expect((await runCliCommand(['organiser', 'frobnicate'], {})).code).toBe(1);
  });
});

import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { text } from 'node:stream/consumers';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../server/db/schema.js';
import type { LetterRow } from '../../server/letters/table.js';
import { buildTestApp, databaseEnv, type TestApp } from '../helpers/app.js';
import { runCliCommand, runCliProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';
import { parseCsv } from '../helpers/csv.js';
import { buildLetter, buildSignature } from '../helpers/factories.js';

let t: TestApp;
let letter: LetterRow;
let env: Record<string, string>;
beforeAll(async () => {
  t = await buildTestApp();
  letter = await buildLetter(t.ctx, { slug: 'keep-defensive-ai-open' });
  await buildSignature(t.ctx, letter, { state: 'approved', email: 'ada@example.org', name: '=Ada' });
  await buildSignature(t.ctx, letter, { state: 'pending', email: 'grace@example.org', name: 'Grace' });
  env = databaseEnv(t.config);
});
afterAll(() => t.close());

describe('undersigned export', () => {
  // A real child process: the CSV goes through the process's own standard output.
  it('when run with a slug, then the CSV with emails goes to stdout and a summary line to stderr', { timeout: 60_000 }, async () => {
    const result = await runCliProcess(['export', letter.slug], env);
    expect(result.code).toBe(0);
    const rows = parseCsv(result.stdout);
    expect(rows.map((row) => [row.name, row.email, row.state])).toEqual([
      ["'=Ada", 'ada@example.org', 'approved'],
      ['Grace', 'grace@example.org', 'pending'],
    ]);
    expect(result.stderr).toBe('2 rows written to standard output\n');
    const event = (await t.ctx.db.select().from(auditEvents).where(eq(auditEvents.action, 'export.csv'))).at(-1);
    expect(event).toMatchObject({ actor: 'cli', subject: `letter:${letter.slug}`, details: { rows: 2, includeEmails: true, complete: true } });
  });

  it('when given filters, --no-emails, --bom and a file, then the file has only what was asked, readable by its owner only', async () => {
    const file = join(tempDir(), 'approved.csv');
    const result = await runCliCommand(['export', letter.slug, '--state', 'approved', '--no-emails', '--bom', '--output', file], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`1 row written to ${file}\n`);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(parseCsv(text).map((row) => [row.name, row.email])).toEqual([["'=Ada", '']]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(existsSync(`${file}.partial`)).toBe(false);
  });

  it('when the output is a folder, then the file is named after the letter and the UTC time', async () => {
    const folder = tempDir();
    const result = await runCliCommand(['export', letter.slug, '-o', folder, '--verified', 'no', '--since', '2020-01-01'], env);
    expect(result.code).toBe(0);
    const files = readdirSync(folder);
    expect(files).toEqual([expect.stringMatching(/^keep-defensive-ai-open-signatures-\d{8}T\d{4}Z\.csv$/)]);
    expect(parseCsv(readFileSync(join(folder, files[0] ?? ''), 'utf8'))).toHaveLength(2);
  });

  it('when the output is a pipe or a device, then it is written in place and stays what it was', async () => {
    const fifo = join(tempDir(), 'export.fifo');
    execFileSync('mkfifo', [fifo]);
    const received = text(createReadStream(fifo));
    const result = await runCliCommand(['export', letter.slug, '--output', fifo], env);
    expect(result.code).toBe(0);
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(parseCsv(await received).map((row) => row.email)).toEqual(['ada@example.org', 'grace@example.org']);
    expect(existsSync(`${fifo}.partial`)).toBe(false);
  });

  it('when a filter is invalid, then it exits 1 naming the filter and writes no file', async () => {
    const file = join(tempDir(), 'never.csv');
    const result = await runCliCommand(['export', letter.slug, '--verified', 'maybe', '--output', file], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^undersigned export: verified must be yes or no/);
    expect(existsSync(file) || existsSync(`${file}.partial`)).toBe(false);
  });

  it('when the letter or the arguments are wrong, then it exits 1 with one line', async () => {
    const results = await Promise.all([['export', 'no-such-letter'], ['export'], ['export', letter.slug, '--colour']].map((args) => runCliCommand(args, env)));
    expect(results.map((result) => result.code)).toEqual([1, 1, 1]);
    expect(results.map((result) => result.stderr.trim().split('\n').length)).toEqual([1, 1, 1]);
    expect(results[0]?.stderr).toBe('undersigned export: there is no letter "no-such-letter"\n');
  });
});

import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { anonymiseLetter } from '../../server/privacy/anonymise-letter.js';
import { buildTestApp, databaseEnv } from '../helpers/app.js';
import { runCliCommand, runCliProcess } from '../helpers/cli.js';
import { buildLetter, buildSignature } from '../helpers/factories.js';
import { sqlRows } from '../helpers/database.js';

describe('undersigned seed', { timeout: 60_000 }, () => {
  it('when the letter was anonymised, then it exits 1 saying so and adds no signature', async () => {
    const t = await buildTestApp();
    const letter = await buildLetter(t.ctx, { closesAt: new Date(t.clock.now().getTime() - 40 * 24 * 60 * 60 * 1000) });
    await buildSignature(t.ctx, letter, { state: 'approved' });
    await anonymiseLetter(t.ctx, { letterId: letter.id, actor: SYSTEM_ACTOR });
    await t.close();

    const result = await runCliProcess(['seed', '--letter', letter.slug, '--signatures', '10'], databaseEnv(t.config));

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('anonymised');
    const reopened = await buildTestApp({ env: databaseEnv(t.config) });
    expect(await sqlRows(reopened, 'SELECT count(*) AS n FROM signatures')).toEqual([{ n: 1 }]);
    await reopened.close();
  });

  it('when the letter does not exist yet, then it is created from the demo letter and filled', async () => {
    const t = await buildTestApp();
    await t.close();

    const result = await runCliCommand(['seed', '--letter', 'a-new-letter', '--signatures', '10'], databaseEnv(t.config));

    expect(result.stderr).not.toContain('could not find');
    expect(result.code).toBe(0);
    const reopened = await buildTestApp({ env: databaseEnv(t.config) });
    expect(await sqlRows(reopened, "SELECT count(*) AS n FROM signatures JOIN letters ON letters.id = signatures.letter_id WHERE letters.slug = 'a-new-letter'")).toEqual([{ n: 10 }]);
    await reopened.close();
  });
});

import { describe, expect, it } from 'vitest';
import { letterInsights } from '../../server/insights/figures.js';
import { appPerTest } from '../helpers/app.js';
import { buildLetter } from '../helpers/factories.js';
import { capturedSql, planOf } from '../helpers/sqlite-plans.js';

/* SQLite's query plans for the insights page: it reads kept figures by their keys, never the signatures. */

const t = appPerTest();

describe('the queries behind the insights page', () => {
  it('when the figures are read, then no statement reads the signatures table and each kept table is searched by its key or rank index', async () => {
    const letter = await buildLetter(t.ctx);
    const seen = await capturedSql(t, (tx) => letterInsights(tx, letter, t.clock.now()));
    const reads = seen.filter((source) => /^select/i.test(source));
    expect(reads.length).toBeGreaterThanOrEqual(5);
    for (const source of reads) {
      expect(source).not.toMatch(/from "signatures"/i);
      const plan = planOf(t, source);
      expect(plan, `${source}\n${plan}`).not.toMatch(/^SCAN (letter_signing_hours|letter_signer_groups|letter_organisation_counts)\b/m);
      if (/from "letter_signing_hours"/.test(source)) expect(plan).toMatch(/SEARCH letter_signing_hours USING (COVERING )?INDEX sqlite_autoindex_letter_signing_hours_1/);
      if (/from "letter_signer_groups"/.test(source)) expect(plan).toMatch(/SEARCH letter_signer_groups USING (COVERING )?INDEX (letter_signer_groups_rank_idx|sqlite_autoindex_letter_signer_groups_1)/);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import type { Tx } from '../../server/db/database.js';
import { createOrganisation } from '../../server/organisations/create-organisation.js';
import { listFeaturedSignatories, listPublicSignatories, organisationBreakdown } from '../../server/signatures/listed-signatures.js';
import { appPerTest } from '../helpers/app.js';
import { buildLetter } from '../helpers/factories.js';
import { capturedSql, planOf } from '../helpers/sqlite-plans.js';

/* SQLite's query plans for the public list: its partial indexes (PostgreSQL plans from statistics). */

const t = appPerTest();

describe('the queries behind the public list', () => {
  it('when a page, a filtered page, the featured block and the breakdown are read, then each walks an index in order: no OFFSET, no scan, no sort', async () => {
    const letter = await buildLetter(t.ctx);
    const nvidia = await createOrganisation(t.ctx, { name: 'Nvidia', actor: SYSTEM_ACTOR });
    const cases: Array<[string, (db: Tx) => Promise<unknown>, string]> = [
      ['page', (db) => listPublicSignatories(db, { letterId: letter.id, cursor: 500, limit: 100 }), 'signatures_public_list_idx'],
      ['search', (db) => listPublicSignatories(db, { letterId: letter.id, q: 'ada', cursor: 500, limit: 100 }), 'signatures_public_list_idx'],
      ['organisation', (db) => listPublicSignatories(db, { letterId: letter.id, organisation: 'NVIDIA Corp', cursor: 500, limit: 100 }), 'signatures_public_group_idx'],
      ['featured', (db) => listFeaturedSignatories(db, letter.id), 'signatures_featured_idx'],
      ['breakdown', (db) => organisationBreakdown(db, letter.id), 'letter_organisation_counts_rank_idx'],
    ];
    expect(nvidia.id).toBeGreaterThan(0);
    for (const [name, run, index] of cases) {
      const statements = (await capturedSql(t, run)).filter((source) => /from "(signatures|letter_organisation_counts)"/i.test(source));
      expect(statements.length, name).toBeGreaterThan(0);
      const main = statements[0]!;
      expect(main, name).not.toMatch(/offset/i);
      const plan = planOf(t, main);
      expect(plan, `${name}:\n${plan}`).toMatch(new RegExp(`USING (COVERING )?INDEX ${index}\\b`));
      expect(plan, `${name}:\n${plan}`).not.toMatch(/SCAN signatures\b/);
      // A search sorts its matches, at most SEARCH_WINDOW of them; nothing else sorts.
      if (name !== 'search') expect(plan, `${name}:\n${plan}`).not.toMatch(/TEMP B-TREE/);
    }
  });
});

import { eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { auditEvents, letterOrganisationCounts, letters } from '../../server/db/schema.js';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { repairCounts } from '../../server/signatures/counts-command.js';
import { appPerTest } from '../helpers/app.js';
import { runCliCommand } from '../helpers/cli.js';
import { buildLetter, buildSignature, reloadLetter } from '../helpers/factories.js';

const t = appPerTest();

function buildLetterWithSignatures() {
  const letter = buildLetter(t.ctx);
  buildSignature(t.ctx, letter, { state: 'approved', organisationText: 'Acme' });
  buildSignature(t.ctx, letter, { state: 'approved', organisationText: 'acme inc' });
  buildSignature(t.ctx, letter, { state: 'approved', showPublic: false });
  buildSignature(t.ctx, letter, { state: 'pending' });
  buildSignature(t.ctx, letter, { state: 'unconfirmed' });
  return letter;
}

describe('counts repair', () => {
  it('when nothing was tampered with, then it reports no drift and changes nothing', () => {
    buildLetterWithSignatures();
    expect(repairCounts(t.ctx, { actor: SYSTEM_ACTOR })).toEqual({ letters: 1, drifted: [], repaired: false });
    expect(t.ctx.db.select().from(auditEvents).all()).toEqual([]);
  });

  it('when counts were edited by hand, then the CLI reports each drifted letter and field, fixes them, and a second run finds nothing', async () => {
    const tampered = buildLetterWithSignatures();
    const intact = buildLetterWithSignatures();
    t.ctx.db.update(letters).set({ countApproved: 99, countListed: 0 }).where(eq(letters.id, tampered.id)).run();
    t.ctx.db.update(letterOrganisationCounts).set({ listed: 7 }).where(eq(letterOrganisationCounts.letterId, tampered.id)).run();
    const env = { DATABASE_PATH: t.config.databasePath };

    const dryRun = await runCliCommand(['counts', 'repair', '--dry-run'], env);
    expect(dryRun.stderr).toBe('');
    expect(dryRun.stdout).toContain(`letter ${tampered.slug}: countApproved 99 -> 3, countListed 0 -> 2, organisation breakdown: 1 wrong`);
    expect(dryRun.stdout).toContain('1 of 2 letters drifted; nothing changed (dry run)');
    expect(reloadLetter(t.ctx, tampered.slug).countApproved).toBe(99);

    const repair = await runCliCommand(['counts', 'repair'], env);
    expect(repair).toMatchObject({ code: 0, stderr: '' });
    expect(repair.stdout).toContain('1 of 2 letters drifted; repaired');
    expect(repair.stdout).not.toContain(intact.slug);
    expect(reloadLetter(t.ctx, tampered.slug)).toMatchObject({ countApproved: 3, countListed: 2, countPending: 1, countUnconfirmed: 1 });
    expect(t.ctx.db.select().from(letterOrganisationCounts).where(eq(letterOrganisationCounts.letterId, tampered.id)).all()).toMatchObject([{ organisationGroup: 'k:acme', listed: 2 }]);
    expect(t.ctx.db.select().from(auditEvents).where(eq(auditEvents.action, 'counts.repair')).all()).toHaveLength(1);

    const again = await runCliCommand(['counts', 'repair'], env);
    expect(again.stdout).toBe('0 of 2 letters drifted; all counts match\n');
  });

  it('when the breakdown lost a group or kept a stale one, then repair rebuilds it', () => {
    const letter = buildLetterWithSignatures();
    t.ctx.db.delete(letterOrganisationCounts).run();
    t.ctx.db.insert(letterOrganisationCounts).values({ letterId: letter.id, organisationGroup: 'k:ghost', label: 'Ghost', listed: 4 }).run();
    const report = repairCounts(t.ctx, { actor: SYSTEM_ACTOR });
    expect(report.drifted).toEqual([{ letterId: letter.id, slug: letter.slug, drift: [], organisationsWrong: 2 }]);
    expect(t.ctx.db.select().from(letterOrganisationCounts).all()).toEqual([{ letterId: letter.id, organisationGroup: 'k:acme', organisationId: null, label: 'Acme', listed: 2 }]);
  });

  it('when a public page was kept with a wrong breakdown, then repairing the breakdown moves the page revision and the page shows the right one', async () => {
    const letter = buildLetterWithSignatures();
    t.ctx.db.delete(letterOrganisationCounts).run();
    t.ctx.db.insert(letterOrganisationCounts).values({ letterId: letter.id, organisationGroup: 'k:ghost', label: 'Ghost Industries', listed: 4 }).run();
    const before = await request(t.app).get(`/letters/${letter.slug}/signatories`).expect(200);
    expect(before.text).toContain('Ghost Industries');
    const revision = reloadLetter(t.ctx, letter.slug).publicRevision;

    repairCounts(t.ctx, { actor: SYSTEM_ACTOR });
    expect(reloadLetter(t.ctx, letter.slug).publicRevision).toBeGreaterThan(revision);
    const after = await request(t.app).get(`/letters/${letter.slug}/signatories`).expect(200);
    expect(after.text).not.toContain('Ghost Industries');
    expect(after.text).toContain('Acme');
  });

  it('when several letters drifted, then each is repaired and audited on its own, so no transaction spans the whole database', () => {
    const first = buildLetterWithSignatures();
    const second = buildLetterWithSignatures();
    t.ctx.db.update(letters).set({ countPending: 40 }).run();
    const report = repairCounts(t.ctx, { actor: SYSTEM_ACTOR });
    expect(report.drifted.map((letter) => letter.slug)).toEqual([first.slug, second.slug]);
    const audits = t.ctx.db.select().from(auditEvents).where(eq(auditEvents.action, 'counts.repair')).all();
    expect(audits.map((audit) => (audit.details as { drifted: Array<{ slug: string }> }).drifted[0]?.slug)).toEqual([first.slug, second.slug]);
  });

  it('when the command is misspelt, then it exits non-zero and says what it expected', async () => {
    const result = await runCliCommand(['counts', 'fix'], { DATABASE_PATH: t.config.databasePath });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('expected "counts repair [--dry-run]"');
  });
});

import { eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { auditEvents, letterOrganisationCounts, letters } from '../../server/db/schema.js';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { repairCounts } from '../../server/signatures/counts-command.js';
import { appPerTest, databaseEnv } from '../helpers/app.js';
import { runCliCommand } from '../helpers/cli.js';
import { buildLetter, buildSignature, reloadLetter } from '../helpers/factories.js';

const t = appPerTest();

async function buildLetterWithSignatures() {
  const letter = await buildLetter(t.ctx);
  await buildSignature(t.ctx, letter, { state: 'approved', organisationText: 'Acme' });
  await buildSignature(t.ctx, letter, { state: 'approved', organisationText: 'acme inc' });
  await buildSignature(t.ctx, letter, { state: 'approved', showPublic: false });
  await buildSignature(t.ctx, letter, { state: 'pending' });
  await buildSignature(t.ctx, letter, { state: 'unconfirmed' });
  return letter;
}

describe('counts repair', () => {
  it('when nothing was tampered with, then it reports no drift and changes nothing', async () => {
    await buildLetterWithSignatures();
    expect(await repairCounts(t.ctx, { actor: SYSTEM_ACTOR })).toEqual({ letters: 1, drifted: [], repaired: false });
    expect(await t.ctx.db.select().from(auditEvents)).toEqual([]);
  });

  it('when counts were edited by hand, then the CLI reports each drifted letter and field, fixes them, and a second run finds nothing', async () => {
    const tampered = await buildLetterWithSignatures();
    const intact = await buildLetterWithSignatures();
    await t.ctx.db.write(async (tx) => (await tx.update(letters).set({ countApproved: 99, countListed: 0 }).where(eq(letters.id, tampered.id))));
    await t.ctx.db.write(async (tx) => (await tx.update(letterOrganisationCounts).set({ listed: 7 }).where(eq(letterOrganisationCounts.letterId, tampered.id))));
    const env = databaseEnv(t.config);

    const dryRun = await runCliCommand(['counts', 'repair', '--dry-run'], env);
    expect(dryRun.stderr).toBe('');
    expect(dryRun.stdout).toContain(`letter ${tampered.slug}: countApproved 99 -> 3, countListed 0 -> 2, organisation breakdown: 1 wrong`);
    expect(dryRun.stdout).toContain('1 of 2 letters drifted; nothing changed (dry run)');
    expect((await reloadLetter(t.ctx, tampered.slug)).countApproved).toBe(99);

    const repair = await runCliCommand(['counts', 'repair'], env);
    expect(repair).toMatchObject({ code: 0, stderr: '' });
    expect(repair.stdout).toContain('1 of 2 letters drifted; repaired');
    expect(repair.stdout).not.toContain(intact.slug);
    expect(await reloadLetter(t.ctx, tampered.slug)).toMatchObject({ countApproved: 3, countListed: 2, countPending: 1, countUnconfirmed: 1 });
    expect(await t.ctx.db.select().from(letterOrganisationCounts).where(eq(letterOrganisationCounts.letterId, tampered.id))).toMatchObject([{ organisationGroup: 'k:acme', listed: 2 }]);
    expect(await t.ctx.db.select().from(auditEvents).where(eq(auditEvents.action, 'counts.repair'))).toHaveLength(1);

    const again = await runCliCommand(['counts', 'repair'], env);
    expect(again.stdout).toBe('0 of 2 letters drifted; all counts match\n');
  });

  it('when the breakdown lost a group or kept a stale one, then repair rebuilds it', async () => {
    const letter = await buildLetterWithSignatures();
    await t.ctx.db.write(async (tx) => (await tx.delete(letterOrganisationCounts)));
    await t.ctx.db.write(async (tx) => (await tx.insert(letterOrganisationCounts).values({ letterId: letter.id, organisationGroup: 'k:ghost', label: 'Ghost', listed: 4 })));
    const report = await repairCounts(t.ctx, { actor: SYSTEM_ACTOR });
    expect(report.drifted).toEqual([{ letterId: letter.id, slug: letter.slug, drift: [], organisationsWrong: 2 }]);
    expect(await t.ctx.db.select().from(letterOrganisationCounts)).toEqual([{ letterId: letter.id, organisationGroup: 'k:acme', organisationId: null, label: 'Acme', listed: 2 }]);
  });

  it('when a public page was kept with a wrong breakdown, then repairing the breakdown moves the page revision and the page shows the right one', async () => {
    const letter = await buildLetterWithSignatures();
    await t.ctx.db.write(async (tx) => (await tx.delete(letterOrganisationCounts)));
    await t.ctx.db.write(async (tx) => (await tx.insert(letterOrganisationCounts).values({ letterId: letter.id, organisationGroup: 'k:ghost', label: 'Ghost Industries', listed: 4 })));
    const before = await request(t.app).get(`/letters/${letter.slug}/signatories`).expect(200);
    expect(before.text).toContain('Ghost Industries');
    const revision = (await reloadLetter(t.ctx, letter.slug)).publicRevision;

    await repairCounts(t.ctx, { actor: SYSTEM_ACTOR });
    expect((await reloadLetter(t.ctx, letter.slug)).publicRevision).toBeGreaterThan(revision);
    const after = await request(t.app).get(`/letters/${letter.slug}/signatories`).expect(200);
    expect(after.text).not.toContain('Ghost Industries');
    expect(after.text).toContain('Acme');
  });

  it('when several letters drifted, then each is repaired and audited on its own, so no transaction spans the whole database', async () => {
    const first = await buildLetterWithSignatures();
    const second = await buildLetterWithSignatures();
    await t.ctx.db.write(async (tx) => (await tx.update(letters).set({ countPending: 40 })));
    const report = await repairCounts(t.ctx, { actor: SYSTEM_ACTOR });
    expect(report.drifted.map((letter) => letter.slug)).toEqual([first.slug, second.slug]);
    const audits = await t.ctx.db.select().from(auditEvents).where(eq(auditEvents.action, 'counts.repair'));
    expect(audits.map((audit) => (audit.details as { drifted: Array<{ slug: string }> }).drifted[0]?.slug)).toEqual([first.slug, second.slug]);
  });

  it('when the command is misspelt, then it exits non-zero and says what it expected', async () => {
    const result = await runCliCommand(['counts', 'fix'], databaseEnv(t.config));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('expected "counts repair [--dry-run]"');
  });
});

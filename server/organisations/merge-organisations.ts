import { eq } from 'drizzle-orm';
import type { Context } from '../context.js';
import { AppError } from '../web/errors.js';
import { auditSubject, requireOrganisation } from './organisation-changes.js';
import { listAliases, listDomains } from './repo.js';
import { organisationAliases, organisationDomains, organisations, type OrganisationRow } from './table.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { moveOrganisationSignatures, reevaluateAffiliations } from '../signatures/index.js';
import { moveOrganisationEndorsements, reverifyEndorsements } from '../endorsements/index.js';

export interface MergeResult {
  organisation: OrganisationRow;
  signaturesMoved: number;
  aliases: string[];
  domains: string[];
}

/**
 * Two records of one organisation become one: the removed one's aliases, domains and signatures
 * move to the kept one, its name becomes an alias, and every moved signature's affiliation is
 * checked again against the combined domains.
 */
export async function mergeOrganisations(ctx: Context, input: { keepId: number; removeId: number; actor: Actor }): Promise<MergeResult> {
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    if (input.keepId === input.removeId) throw new AppError('merge_same_organisation', 422, 'Choose two different organisations to merge.');
    const keep = await requireOrganisation(tx, input.keepId);
    const remove = await requireOrganisation(tx, input.removeId);
    await tx.update(organisationAliases).set({ organisationId: keep.id }).where(eq(organisationAliases.organisationId, remove.id));
    await tx.insert(organisationAliases).values({ organisationId: keep.id, alias: remove.name, aliasKey: remove.nameKey });
    await tx.update(organisationDomains).set({ organisationId: keep.id }).where(eq(organisationDomains.organisationId, remove.id));
    const signaturesMoved = await moveOrganisationSignatures(tx, remove.id, keep.id);
    await moveOrganisationEndorsements(tx, remove.id, keep.id);
    await tx.delete(organisations).where(eq(organisations.id, remove.id));
    const domains = await listDomains(tx, keep.id);
    const affiliations = await reevaluateAffiliations(tx, keep.id, domains);
    await reverifyEndorsements(tx, keep.id, domains);
    await recordAudit(tx, {
      actor: input.actor,
      action: 'organisation.merge',
      subject: auditSubject(keep),
      details: { kept: { id: keep.id, name: keep.name }, removed: { id: remove.id, name: remove.name }, signaturesMoved, domains, ...affiliations },
    }, now);
    return { organisation: keep, signaturesMoved, aliases: await listAliases(tx, keep.id), domains };
  });
}

import { eq } from 'drizzle-orm';
import type { Context } from '../context.js';
import { auditSubject, claimKey, cleanName, requireOrganisation } from './organisation-changes.js';
import { listDomains } from './repo.js';
import { organisationAliases, organisations, type OrganisationRow } from './table.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { linkUnmatchedSignatures, reevaluateAffiliations } from '../signatures/index.js';

/**
 * A new canonical name. The old name stays as an alias, so signers who type it still match; signatures
 * typed with the new name that matched nothing now match.
 */
export function renameOrganisation(ctx: Context, input: { id: number; name: string; actor: Actor }): OrganisationRow {
  const now = ctx.now();
  return ctx.db.transaction((tx) => {
    const before = requireOrganisation(tx, input.id);
    const name = cleanName(input.name);
    const nameKey = claimKey(tx, name, before.id);
    // The new name may have been an alias of this organisation: a name is not also an alias.
    tx.delete(organisationAliases).where(eq(organisationAliases.aliasKey, nameKey)).run();
    const renamed = tx.update(organisations).set({ name, nameKey }).where(eq(organisations.id, before.id)).returning().get();
    if (before.nameKey !== nameKey) tx.insert(organisationAliases).values({ organisationId: before.id, alias: before.name, aliasKey: before.nameKey }).run();
    const linked = linkUnmatchedSignatures(tx, [nameKey], before.id);
    const affiliations = linked.length > 0 ? reevaluateAffiliations(tx, before.id, listDomains(tx, before.id)) : { verified: 0, unverified: 0 };
    recordAudit(tx, { actor: input.actor, action: 'organisation.rename', subject: auditSubject(renamed), details: { from: before.name, to: name, linked: linked.length, ...affiliations } }, now);
    return renamed;
  });
}

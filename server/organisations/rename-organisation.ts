import { eq } from 'drizzle-orm';
import type { Context } from '../context.js';
import { one } from '../db/database.js';
import { auditSubject, claimKey, cleanName, requireOrganisation } from './organisation-changes.js';
import { listDomains } from './repo.js';
import { organisationAliases, organisations, type OrganisationRow } from './table.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { linkUnmatchedSignatures, reevaluateAffiliations } from '../signatures/index.js';

/**
 * A new canonical name. The old name stays as an alias, so signers who type it still match; signatures
 * typed with the new name that matched nothing now match.
 */
export async function renameOrganisation(ctx: Context, input: { id: number; name: string; actor: Actor }): Promise<OrganisationRow> {
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    const before = await requireOrganisation(tx, input.id);
    const name = cleanName(input.name);
    const nameKey = await claimKey(tx, name, before.id);
    // The new name may have been an alias of this organisation: a name is not also an alias.
    await tx.delete(organisationAliases).where(eq(organisationAliases.aliasKey, nameKey));
    const renamed = await one(tx.update(organisations).set({ name, nameKey }).where(eq(organisations.id, before.id)).returning());
    if (before.nameKey !== nameKey) await tx.insert(organisationAliases).values({ organisationId: before.id, alias: before.name, aliasKey: before.nameKey });
    const linked = await linkUnmatchedSignatures(tx, [nameKey], before.id);
    const affiliations = linked.length > 0 ? await reevaluateAffiliations(tx, before.id, await listDomains(tx, before.id)) : { verified: 0, unverified: 0 };
    await recordAudit(tx, { actor: input.actor, action: 'organisation.rename', subject: auditSubject(renamed), details: { from: before.name, to: name, linked: linked.length, ...affiliations } }, now);
    return renamed;
  });
}

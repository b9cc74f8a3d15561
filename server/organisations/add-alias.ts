import type { Context } from '../context.js';
import { auditSubject, insertAlias, requireOrganisation } from './organisation-changes.js';
import { listDomains } from './repo.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { linkUnmatchedSignatures, reevaluateAffiliations } from '../signatures/index.js';

/** Another spelling signers use for the organisation; unmatched signatures typed that way now match it. */
export async function addAlias(ctx: Context, input: { id: number; alias: string; actor: Actor }): Promise<{ linked: number }> {
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    const organisation = await requireOrganisation(tx, input.id);
    const aliasKey = await insertAlias(tx, organisation.id, input.alias);
    const linked = aliasKey ? await linkUnmatchedSignatures(tx, [aliasKey], organisation.id) : [];
    const affiliations = linked.length > 0 ? await reevaluateAffiliations(tx, organisation.id, await listDomains(tx, organisation.id)) : { verified: 0, unverified: 0 };
    await recordAudit(tx, { actor: input.actor, action: 'organisation.alias.add', subject: auditSubject(organisation), details: { alias: input.alias.trim(), linked: linked.length, ...affiliations } }, now);
    return { linked: linked.length };
  });
}

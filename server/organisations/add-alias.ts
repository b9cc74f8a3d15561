import type { Context } from '../context.js';
import { auditSubject, insertAlias, requireOrganisation } from './organisation-changes.js';
import { listDomains } from './repo.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { linkUnmatchedSignatures, reevaluateAffiliations } from '../signatures/index.js';

/** Another spelling signers use for the organisation; unmatched signatures typed that way now match it. */
export function addAlias(ctx: Context, input: { id: number; alias: string; actor: Actor }): { linked: number } {
  const now = ctx.now();
  return ctx.db.transaction((tx) => {
    const organisation = requireOrganisation(tx, input.id);
    const aliasKey = insertAlias(tx, organisation.id, input.alias);
    const linked = aliasKey ? linkUnmatchedSignatures(tx, [aliasKey], organisation.id) : [];
    const affiliations = linked.length > 0 ? reevaluateAffiliations(tx, organisation.id, listDomains(tx, organisation.id)) : { verified: 0, unverified: 0 };
    recordAudit(tx, { actor: input.actor, action: 'organisation.alias.add', subject: auditSubject(organisation), details: { alias: input.alias.trim(), linked: linked.length, ...affiliations } }, now);
    return { linked: linked.length };
  });
}

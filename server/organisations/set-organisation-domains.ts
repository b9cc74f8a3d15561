import type { Context } from '../context.js';
import { auditSubject, requireOrganisation } from './organisation-changes.js';
import { listDomains } from './repo.js';
import { replaceVerifiedDomains } from './verified-domains.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { reevaluateAffiliations } from '../signatures/index.js';
import { reverifyEndorsements } from '../endorsements/index.js';

/**
 * The email domains whose confirmed addresses verify an affiliation with the organisation
 * (subdomains included). Replaces the previous list and re-checks every signature and endorsement matched to it.
 */
export async function setOrganisationDomains(ctx: Context, input: { id: number; domains: readonly string[]; actor: Actor }): Promise<{ domains: string[]; verified: number; unverified: number }> {
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    const organisation = await requireOrganisation(tx, input.id);
    const before = await listDomains(tx, organisation.id);
    const domains = await replaceVerifiedDomains(tx, organisation.id, input.domains);
    const affiliations = await reevaluateAffiliations(tx, organisation.id, domains);
    await reverifyEndorsements(tx, organisation.id, domains);
    await recordAudit(tx, { actor: input.actor, action: 'organisation.domains', subject: auditSubject(organisation), details: { before, after: domains, ...affiliations } }, now);
    return { domains, ...affiliations };
  });
}

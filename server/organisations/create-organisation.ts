import type { Context } from '../context.js';
import { auditSubject, claimKey, cleanName, insertAlias } from './organisation-changes.js';
import { organisations, type OrganisationRow } from './table.js';
import { replaceVerifiedDomains } from './verified-domains.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { linkUnmatchedSignatures, reevaluateAffiliations } from '../signatures/index.js';

export interface CreateOrganisationInput {
  name: string;
  aliases?: string[];
  domains?: string[];
  actor: Actor;
}

/** A new canonical organisation; signatures already typed with its name or aliases now match it. */
export function createOrganisation(ctx: Context, input: CreateOrganisationInput): OrganisationRow {
  const now = ctx.now();
  return ctx.db.transaction((tx) => {
    const name = cleanName(input.name);
    const nameKey = claimKey(tx, name, undefined);
    const organisation = tx.insert(organisations).values({ name, nameKey, createdAt: now }).returning().get();
    const aliasKeys = (input.aliases ?? []).map((alias) => insertAlias(tx, organisation.id, alias)).filter((key): key is string => key !== undefined);
    const domains = replaceVerifiedDomains(tx, organisation.id, input.domains ?? []);
    const linked = linkUnmatchedSignatures(tx, [nameKey, ...aliasKeys], organisation.id);
    const affiliations = reevaluateAffiliations(tx, organisation.id, domains);
    recordAudit(tx, { actor: input.actor, action: 'organisation.create', subject: auditSubject(organisation), details: { name, aliases: input.aliases ?? [], domains, linked: linked.length, ...affiliations } }, now);
    return organisation;
  });
}

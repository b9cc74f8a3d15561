import type { Context } from '../context.js';
import { one } from '../db/database.js';
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
export async function createOrganisation(ctx: Context, input: CreateOrganisationInput): Promise<OrganisationRow> {
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    const name = cleanName(input.name);
    const nameKey = await claimKey(tx, name, undefined);
    const organisation = await one(tx.insert(organisations).values({ name, nameKey, createdAt: now }).returning());
    const aliasKeys: string[] = [];
    for (const alias of input.aliases ?? []) {
      const key = await insertAlias(tx, organisation.id, alias);
      if (key !== undefined) aliasKeys.push(key);
    }
    const domains = await replaceVerifiedDomains(tx, organisation.id, input.domains ?? []);
    const linked = await linkUnmatchedSignatures(tx, [nameKey, ...aliasKeys], organisation.id);
    const affiliations = await reevaluateAffiliations(tx, organisation.id, domains);
    await recordAudit(tx, { actor: input.actor, action: 'organisation.create', subject: auditSubject(organisation), details: { name, aliases: input.aliases ?? [], domains, linked: linked.length, ...affiliations } }, now);
    return organisation;
  });
}

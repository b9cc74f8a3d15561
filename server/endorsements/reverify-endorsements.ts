import { and, eq, isNotNull } from 'drizzle-orm';
import type { Tx } from '../db/database.js';
import { coveringDomain } from '../lib/email-domain.js';
import { bumpPublicRevision } from '../letters/index.js';
import { endorsements } from './table.js';

/**
 * Checks again the verified mark of every confirmed endorsement matched to an organisation, against
 * its domains as they are now: a domain removed by mistake must not leave a mark on the dossier
 * handed to the recipient. Letters whose public endorsements changed show the change at once.
 */
export async function reverifyEndorsements(tx: Tx, organisationId: number, domains: readonly string[]): Promise<void> {
  const rows = await tx
    .select({ id: endorsements.id, letterId: endorsements.letterId, emailDomain: endorsements.emailDomain, verifiedDomain: endorsements.verifiedDomain, state: endorsements.state })
    .from(endorsements)
    .where(and(eq(endorsements.organisationId, organisationId), isNotNull(endorsements.confirmedAt)));
  const lettersShown = new Set<number>();
  for (const row of rows) {
    const verifiedDomain = coveringDomain(row.emailDomain, domains) ?? null;
    if (verifiedDomain === row.verifiedDomain) continue;
    await tx.update(endorsements).set({ verifiedDomain }).where(eq(endorsements.id, row.id));
    if (row.state === 'approved') lettersShown.add(row.letterId);
  }
  for (const letterId of lettersShown) await bumpPublicRevision(tx, letterId);
}

/** An organisation merged into another takes its endorsements along (they are checked again after). */
export async function moveOrganisationEndorsements(tx: Tx, fromId: number, toId: number): Promise<void> {
  await tx.update(endorsements).set({ organisationId: toId }).where(eq(endorsements.organisationId, fromId));
}

import { and, asc, eq } from 'drizzle-orm';
import type { Reader } from '../db/database.js';
import { endorsements } from './table.js';
import { organisationsForJoins as organisations } from '../organisations/index.js';

/** An approved endorsement as the public sees it: never the representative's address. */
export interface PublicEndorsement {
  organisation: string;
  /** The organisation's domain the representative confirmed an address at, when it is one of its verified domains. */
  verifiedDomain: string | null;
  statement: string;
  representativeName: string;
  representativeRole: string;
  endorsedAt: Date;
}

/** A letter's approved endorsements, in the order they were approved (the first endorsers first). */
export async function listApprovedEndorsements(db: Reader, letterId: number): Promise<PublicEndorsement[]> {
  const rows = await db
    .select({
      organisationText: endorsements.organisationText,
      organisationName: organisations.name,
      verifiedDomain: endorsements.verifiedDomain,
      statement: endorsements.statement,
      representativeName: endorsements.representativeName,
      representativeRole: endorsements.representativeRole,
      moderatedAt: endorsements.moderatedAt,
      submittedAt: endorsements.submittedAt,
    })
    .from(endorsements)
    .leftJoin(organisations, eq(organisations.id, endorsements.organisationId))
    .where(and(eq(endorsements.letterId, letterId), eq(endorsements.state, 'approved')))
    .orderBy(asc(endorsements.moderatedAt), asc(endorsements.id));
  return rows.map((row) => ({
    organisation: row.organisationName ?? row.organisationText,
    verifiedDomain: row.verifiedDomain,
    statement: row.statement,
    representativeName: row.representativeName,
    representativeRole: row.representativeRole,
    endorsedAt: row.moderatedAt ?? row.submittedAt,
  }));
}

/**
 * How many organisations endorse: several representatives of one organisation (or the same name
 * typed twice) are one organisation, so the count stays honest however many of them were approved.
 */
export const organisationsAmong = (endorsed: readonly PublicEndorsement[]): number =>
  new Set(endorsed.map((endorsement) => endorsement.organisation.normalize('NFKC').toLocaleLowerCase('en').replace(/\s+/g, ' ').trim())).size;

/**
 * What a letter's public pages show of its endorsements (views/endorsements/endorsing.eta): the
 * approved ones, where to add one, and on the list of signatories the printable dossier.
 */
export async function endorsementsOnPage(db: Reader, letter: { id: number; slug: string }, page: 'letter' | 'signatories') {
  const base = `/letters/${encodeURIComponent(letter.slug)}`;
  const endorsed = await listApprovedEndorsements(db, letter.id);
  return {
    endorsements: endorsed,
    endorsingOrganisations: organisationsAmong(endorsed),
    endorseHref: page === 'letter' ? `${base}/endorse` : null,
    dossierHref: page === 'signatories' ? `${base}/dossier` : null,
  };
}

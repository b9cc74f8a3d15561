import { eq } from 'drizzle-orm';
import type { Context } from '../context.js';
import { first, one, type Reader } from '../db/database.js';
import { coveringDomain } from '../lib/email-domain.js';
import { AppError, notFound } from '../web/errors.js';
import { endorsements, type EndorsementRow } from './table.js';
import { endorsementLinks } from './tokens.js';
import { closedSince, findLetterById, type LetterRow } from '../letters/index.js';
import { organisationDomainsOf } from '../organisations/index.js';

export interface EndorsementConfirmation {
  letter: LetterRow;
  endorsement: EndorsementRow;
  alreadyConfirmed: boolean;
}

/** What the confirm page shows for a token; changes nothing (mail scanners prefetch links). */
export const describeEndorsementConfirmation = (ctx: Context, token: string): Promise<EndorsementConfirmation> => describeIn(ctx.db, token, ctx.now());

async function describeIn(db: Reader, token: string, now: Date): Promise<EndorsementConfirmation> {
  const endorsementId = await endorsementLinks.redeem(db, token, 'confirm', now);
  const endorsement = await first(db.select().from(endorsements).where(eq(endorsements.id, endorsementId)));
  if (!endorsement) throw notFound('endorsement');
  return { letter: await findLetterById(db, endorsement.letterId), endorsement, alreadyConfirmed: endorsement.state !== 'unconfirmed' };
}

const submittedAfterClosing = (): AppError =>
  new AppError('endorsed_after_closing', 409, 'This letter had closed before this endorsement was sent, so it cannot be confirmed.');

/**
 * The representative proves the address is theirs. The endorsement then waits for an organiser,
 * whatever the letter's moderation; it is marked verified when the address is at one of the
 * organisation's verified domains. Confirming twice is the same as once.
 */
export async function confirmEndorsement(ctx: Context, token: string): Promise<EndorsementConfirmation> {
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    const described = await describeIn(tx, token, now);
    const { letter, endorsement, alreadyConfirmed } = described;
    if (alreadyConfirmed) return described;
    const closedAt = closedSince(letter, now);
    if (closedAt && endorsement.submittedAt >= closedAt) throw submittedAfterClosing();
    const verifiedDomain = coveringDomain(endorsement.emailDomain, await organisationDomainsOf(tx, endorsement.organisationId)) ?? null;
    const confirmed = await one(tx.update(endorsements).set({ state: 'pending', confirmedAt: now, verifiedDomain }).where(eq(endorsements.id, endorsement.id)).returning());
    return { ...described, endorsement: confirmed };
  });
}

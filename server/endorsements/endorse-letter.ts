import { and, eq } from 'drizzle-orm';
import type { Context } from '../context.js';
import { first, type Tx } from '../db/database.js';
import { againAfterUniqueViolation } from '../db/errors.js';
import { insertReturning } from '../db/prepared.js';
import { AppError } from '../web/errors.js';
import type { EndorseForm } from './forms.js';
import { endorsements, type EndorsementRow } from './table.js';
import { endorsementLinks } from './tokens.js';
import { checkSubmission, isDisposableEmailDomain } from '../abuse/index.js';
import { findPublicLetter, isAcceptingSignatures, type PublicLetterRow } from '../letters/index.js';
import { enqueueMail } from '../mail/index.js';
import { matchOrganisation } from '../organisations/index.js';

export interface EndorseLetterInput {
  /** The letter as the request found it; read again inside the write. */
  letter: PublicLetterRow;
  form: EndorseForm;
  /** The language of the page the form was sent from: the confirmation mail and its page speak it. */
  lang: string;
}

export const endorsementsClosed = (): AppError =>
  new AppError('letter_closed', 409, 'This letter is not accepting endorsements at the moment.', { messageKeys: ['errors.endorsements_closed'] });

/** The form was shown longer ago than a stamp lasts: nothing is stored, the person sends it again. */
const formExpired = (): AppError =>
  new AppError('endorse_form_expired', 422, 'This page was open a long time, so nothing was sent. Please check the details and send the form again.', { field: 'organisation' });

/** A throwaway mailbox proves nothing about an organisation: the representative uses their work address. */
const disposableAddress = (): AppError =>
  new AppError('disposable_email', 422, 'Use your work address at the organisation: this address is at a throwaway mail service.', { field: 'email' });

/**
 * A representative endorses a letter on behalf of an organisation. Whatever the history of the
 * address, the caller answers the same way ("check your email"): only the mail, if any, differs.
 */
export async function endorseLetter(ctx: Context, input: EndorseLetterInput): Promise<void> {
  const { letter, form } = input;
  const check = checkSubmission(ctx, { slug: letter.slug, honeypot: form.website, stamp: form.stamp });
  if (check.outcome === 'bot') return;
  if (check.outcome === 'expired') throw formExpired();
  if (isDisposableEmailDomain(form.email.domain)) throw disposableAddress();

  const attempt = () =>
    ctx.db.write(async (tx) => {
      const now = ctx.now();
      const current = await findPublicLetter(tx, letter.slug);
      if (!isAcceptingSignatures(current, now)) throw endorsementsClosed();
      const submitted = { ...(await matchOrganisation(tx, form.organisation)), ...submittedValues(input, current.currentVersionId, now) };
      const existing = await first(tx.select().from(endorsements).where(and(eq(endorsements.letterId, current.id), eq(endorsements.emailKey, form.email.key))));
      if (!existing) {
        const created = await insertReturning(tx, endorsements, { ...submitted, letterId: current.id, emailKey: form.email.key, emailDomain: form.email.domain, mailsSent: 1 });
        return queueConfirmMail(ctx, tx, current, created, input.lang);
      }
      // The latest word of an unconfirmed endorsement replaces the earlier one together with a new
      // link, within the address's mail allowance; a confirmed one is the organisers' to judge, and
      // nothing about it is said or sent.
      if (existing.state !== 'unconfirmed' || existing.mailsSent >= ctx.config.maxMailsPerSignature) return;
      await tx.update(endorsements).set({ ...submitted, mailsSent: existing.mailsSent + 1 }).where(eq(endorsements.id, existing.id));
      await endorsementLinks.replace(tx, existing.id, 'confirm', now);
      await queueConfirmMail(ctx, tx, current, existing, input.lang);
    });

  await againAfterUniqueViolation(attempt);
  ctx.notifyOutbox();
}

function submittedValues({ form }: EndorseLetterInput, versionId: number, now: Date) {
  return {
    versionId,
    organisationText: form.organisation,
    representativeName: form.name,
    representativeRole: form.role,
    email: form.email.email,
    statement: form.statement,
    submittedAt: now,
  };
}

/**
 * The mail with the confirm link. Sent to an address nobody has verified yet: nothing typed in
 * the form goes in it, so the form cannot be used to mail strangers a text of the sender's choosing.
 */
async function queueConfirmMail(ctx: Context, tx: Tx, letter: PublicLetterRow, endorsement: Pick<EndorsementRow, 'id' | 'email'>, lang: string): Promise<void> {
  const now = ctx.now();
  const token = await endorsementLinks.issue(tx, endorsement.id, 'confirm', ctx.config.confirmTokenDays, now);
  const content = {
    lang,
    letterTitle: letter.title,
    // Endorsements keep no language: the link carries the mail's, so the confirm page speaks it too.
    confirmUrl: `${ctx.config.baseUrl}/endorsements/confirm/${token}?lang=${encodeURIComponent(lang)}`,
    letterUrl: `${ctx.config.baseUrl}/letters/${letter.slug}`,
    expiresDays: ctx.config.confirmTokenDays,
  };
  await enqueueMail(tx, { kind: 'confirm-endorsement', to: endorsement.email, content }, now, new URL(ctx.config.baseUrl).hostname);
}

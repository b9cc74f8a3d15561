import { eq } from 'drizzle-orm';
import { matchingBlockRule } from '../abuse/block-rules.js';
import { isBotSubmission } from '../abuse/bot-checks.js';
import { isDisposableEmailDomain } from '../abuse/disposable-email.js';
import { famousNameHold } from '../abuse/famous-names.js';
import type { Context } from '../context.js';
import type { Db } from '../db/client.js';
import { insertReturning } from '../db/prepared.js';
import type { PublicLetterRow } from '../letters/table.js';
import { findPublicLetterRow, isAcceptingSignatures } from '../letters/service.js';
import { composeMail, enqueueMail } from '../mail/outbox.js';
import { matchOrganisation } from '../organisations/service.js';
import { AppError } from '../web/errors.js';
import type { ClientAddress } from './client-address.js';
import type { SignForm } from './forms.js';
import { findSignatureByEmailKey, isUniqueViolation, recordMailSent } from './repo.js';
import { signatures, type SignatureRow } from './table.js';
import { issueToken, revokeTokens, WITHDRAW_TOKEN_DAYS } from './tokens.js';

export interface SignLetterInput {
  slug: string;
  form: SignForm;
  client: ClientAddress | undefined;
}

export const letterClosed = (): AppError =>
  new AppError('letter_closed', 409, 'This letter is not accepting signatures at the moment.');

/**
 * A person signs a letter. Whatever the history of the address, the caller answers the same way
 * ("check your email"): what differs is only which mail, if any, goes to that address.
 */
export function signLetter(ctx: Context, input: SignLetterInput): void {
  const now = ctx.now();
  const letter = findPublicLetterRow(ctx.db, input.slug);
  // The version on the page the signer read: the one published now.
  const versionId = letter.currentVersionId;
  if (!isAcceptingSignatures(letter, now)) throw letterClosed();
  if (isBotSubmission(ctx, { slug: letter.slug, honeypot: input.form.website, stamp: input.form.stamp })) return;
  const screening = screenSigner(ctx, letter, input);

  const attempt = () =>
    ctx.db.transaction((tx) => {
      const existing = findSignatureByEmailKey(tx, letter.id, input.form.email.key);
      if (existing) return handleRepeatSigner(ctx, tx, letter, versionId, existing, input, screening);
      // Its first mail is counted in the row itself rather than by a second write to it.
      const signature = insertReturning(tx, signatures, { ...newSignatureValues(tx, letter.id, versionId, input, screening, now), mailsSent: 1 });
      queueConfirmationMail(ctx, tx, letter, signature, 'confirm-signature');
    });

  try {
    attempt();
  } catch (error) {
    // The unique index is the last guard: a concurrent first signing by the same address won the
    // race, so this one is a repeat signer like any other.
    if (!isUniqueViolation(error)) throw error;
    attempt();
  }
  ctx.notifyOutbox();
}

/** What moderators are told about a signer; none of it changes what the signer sees. */
interface Screening {
  /** A block rule catches the signer: stored normally, rejected on confirmation. */
  blocked: boolean;
  /** Held for a moderator even on a post-moderated letter (e.g. a famous name). */
  holdReason: string | null;
  disposableEmail: boolean;
}

function screenSigner(ctx: Context, letter: PublicLetterRow, input: SignLetterInput): Screening {
  const { form, client } = input;
  return {
    blocked: matchingBlockRule(ctx.db, { letterId: letter.id, client, emailDomain: form.email.domain }) !== undefined,
    holdReason: famousNameHold(ctx, form.name),
    disposableEmail: isDisposableEmailDomain(form.email.domain),
  };
}

function newSignatureValues(tx: Db, letterId: number, versionId: number, input: SignLetterInput, screening: Screening, now: Date) {
  const { form, client } = input;
  return {
    ...matchOrganisation(tx, form.organisation),
    letterId,
    versionId,
    name: form.name,
    email: form.email.email,
    emailKey: form.email.key,
    emailDomain: form.email.domain,
    title: form.title,
    organisationText: form.organisation,
    comment: form.comment,
    showPublic: form.public,
    contactUpdates: form.updates,
    ipHash: client?.ipHash ?? null,
    ipNetwork: client?.ipNetwork ?? null,
    signedAt: now,
    ...screening,
  };
}

function handleRepeatSigner(ctx: Context, tx: Db, letter: PublicLetterRow, versionId: number, existing: SignatureRow, input: SignLetterInput, screening: Screening): void {
  const now = ctx.now();
  switch (existing.state) {
    case 'withdrawn': {
      revokeTokens(tx, existing.id);
      const values = { ...newSignatureValues(tx, letter.id, versionId, input, screening, now), state: 'unconfirmed' as const, mailsSent: 0 };
      tx.update(signatures)
        .set({ ...values, confirmedAt: null, moderatedAt: null, withdrawnAt: null, featured: false, affiliationVerified: false, reminderSentAt: null })
        .where(eq(signatures.id, existing.id))
        .run();
      return sendConfirmationMail(ctx, tx, letter, { ...existing, ...values });
    }
    case 'unconfirmed':
      if (hasMailAllowance(ctx, existing)) sendConfirmationMail(ctx, tx, letter, existing);
      return;
    case 'pending':
    case 'approved':
      if (hasMailAllowance(ctx, existing)) sendAlreadySignedMail(ctx, tx, letter, existing);
      return;
    case 'rejected':
      // Saying anything would tell a rejected signer (or someone using their address) about moderation.
      return;
  }
}

const hasMailAllowance = (ctx: Context, signature: SignatureRow): boolean => signature.mailsSent < ctx.config.maxMailsPerSignature;

type ConfirmationKind = 'confirm-signature' | 'confirm-reminder';

/** Queues a mail with a fresh confirm link and counts it against the signature's allowance. */
export function sendConfirmationMail(ctx: Context, tx: Db, letter: PublicLetterRow, signature: Pick<SignatureRow, 'id' | 'email' | 'name'>, kind: ConfirmationKind = 'confirm-signature'): void {
  queueConfirmationMail(ctx, tx, letter, signature, kind);
  recordMailSent(tx, signature.id);
}

/** sendConfirmationMail without counting the mail: for a new signature, whose row is inserted already counting it. */
function queueConfirmationMail(ctx: Context, tx: Db, letter: PublicLetterRow, signature: Pick<SignatureRow, 'id' | 'email' | 'name'>, kind: ConfirmationKind): void {
  const now = ctx.now();
  const token = issueToken(tx, signature.id, 'confirm', ctx.config.confirmTokenDays, now);
  const mail = composeMail(ctx.views, kind, signature.email, {
    letterTitle: letter.title,
    name: signature.name,
    confirmUrl: `${ctx.config.baseUrl}/signatures/confirm/${token}`,
    letterUrl: `${ctx.config.baseUrl}/letters/${letter.slug}`,
    expiresDays: ctx.config.confirmTokenDays,
  }, signature.id);
  enqueueMail(tx, mail, now, mailDomain(ctx));
}

function sendAlreadySignedMail(ctx: Context, tx: Db, letter: PublicLetterRow, signature: SignatureRow): void {
  const now = ctx.now();
  const token = issueToken(tx, signature.id, 'withdraw', WITHDRAW_TOKEN_DAYS, now);
  const mail = composeMail(ctx.views, 'already-signed', signature.email, {
    letterTitle: letter.title,
    name: signature.name,
    withdrawUrl: `${ctx.config.baseUrl}/signatures/withdraw/${token}`,
    letterUrl: `${ctx.config.baseUrl}/letters/${letter.slug}`,
  }, signature.id);
  enqueueMail(tx, mail, now, mailDomain(ctx));
  recordMailSent(tx, signature.id);
}

export const mailDomain = (ctx: Context): string => new URL(ctx.config.baseUrl).hostname;

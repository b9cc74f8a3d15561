import { eq } from 'drizzle-orm';
import type { Context } from '../context.js';
import type { Reader, Tx } from '../db/database.js';
import { insertReturning } from '../db/prepared.js';
import { matchOrganisation, type OrganisationMatch } from '../organisations/index.js';
import { AppError } from '../web/errors.js';
import type { ClientAddress } from '../lib/client-address.js';
import type { SignForm } from './forms.js';
import { againAfterUniqueViolation } from '../db/errors.js';
import { findSignatureByEmailKey, recordMailSent } from './repo.js';
import { signatures, type SignatureRow } from './table.js';
import { issueToken, replaceConfirmLinks, revokeTokens, WITHDRAW_TOKEN_DAYS } from './tokens.js';
import { checkSubmission, famousNameHold, isDisposableEmailDomain, matchingBlockRule } from '../abuse/index.js';
import { currentVersionIdIn, findPublicLetter, findVersion, isAcceptingSignatures, letterLanguages, type PublicLetterRow, type PublishedLetterRow } from '../letters/index.js';
import { enqueueMail } from '../mail/index.js';

export interface SignLetterInput {
  /** The letter as the request found it; read again inside the write. */
  letter: PublicLetterRow;
  form: SignForm;
  client: ClientAddress | undefined;
  /** The language of the page signed on (one of the letter's): the text read when the form carries no stamp naming its version. */
  lang?: string;
}

export const letterClosed = (): AppError =>
  new AppError('letter_closed', 409, 'This letter is not accepting signatures at the moment.');

/** The sign form was shown longer ago than a stamp lasts: the person sends it again, nothing is stored. */
export const formExpired = (): AppError =>
  new AppError('sign_form_expired', 422, 'This page was open a long time, so nothing was sent. Please check your details and send the form again.');

/** The signer read a version of the text that is no longer the current one: they read the new one first. */
export const textChanged = (versions: { read: number | undefined; current: number | undefined; lang?: string | undefined }): AppError =>
  new AppError('letter_text_changed', 409, 'The text of this letter changed while you read it, so your signature was not sent. Please read the new text, then send the form again.', versions);

/** The ids of the two errors after which the letter page shows the form again, filled in. */
export const SIGN_FORM_SEND_AGAIN = new Set(['sign_form_expired', 'letter_text_changed']);

/**
 * A person signs a letter. Whatever the history of the address, the caller answers the same way
 * ("check your email"): what differs is only which mail, if any, goes to that address.
 */
export async function signLetter(ctx: Context, input: SignLetterInput): Promise<void> {
  const { letter } = input;
  const check = checkSubmission(ctx, { slug: letter.slug, honeypot: input.form.website, stamp: input.form.stamp });
  if (check.outcome === 'bot') return;
  if (check.outcome === 'expired') throw formExpired();
  const screening = await screenSigner(ctx, letter, input);

  const attempt = () =>
    ctx.db.write(async (tx) => {
      // Read again inside the write: a letter closed or changed a moment ago takes no signature for it.
      const now = ctx.now();
      const current = await findPublicLetter(tx, letter.slug);
      if (!isAcceptingSignatures(current, now)) throw letterClosed();
      const read = await versionRead(tx, current, check.versionId ?? currentVersionIdIn(current, input.lang ?? current.lang));
      const submitted = submittedValues(await matchOrganisation(tx, input.form.organisation), read, input, screening, now);
      const existing = await findSignatureByEmailKey(tx, current.id, input.form.email.key);
      const letterRead = { ...current, title: read.title, lang: read.lang };
      if (existing) return handleRepeatSigner(ctx, tx, letterRead, submitted, existing);
      // Its first mail is counted in the row itself rather than by a second write to it.
      const signature = await insertReturning(tx, signatures, { ...submitted, letterId: current.id, emailKey: input.form.email.key, emailDomain: input.form.email.domain, mailsSent: 1 });
      await queueConfirmationMail(ctx, tx, letterRead, signature, 'confirm-signature');
    }, SIGNING_WRITE);

  // The unique index is the last guard: a repeat signer racing their own first signature.
  await againAfterUniqueViolation(attempt);
  ctx.notifyOutbox();
}

/** Signatures arriving together share a commit; each is its own savepoint, so one failure fails one signer. */
const SIGNING_WRITE = { label: 'sign', grouped: true } as const;

/** The text a signer read: its version, language and title. */
interface TextRead {
  id: number;
  lang: string;
  title: string;
}

/**
 * The version the signer read: the one their form's stamp names, in whichever of the letter's
 * languages, which must still be the current one in that language (a new version of another
 * language's text changes nothing of what this signer read).
 */
async function versionRead(tx: Tx, letter: PublishedLetterRow, stampedVersionId: number | undefined): Promise<TextRead> {
  const original = { id: letter.currentVersionId, lang: letter.lang, title: letter.title };
  if (stampedVersionId === undefined || stampedVersionId === letter.currentVersionId) return original;
  const read = await findVersion(tx, stampedVersionId);
  const ofThisLetter = read?.letterId === letter.id ? read : undefined;
  const currentId = ofThisLetter ? currentVersionIdIn(letter, ofThisLetter.lang) : letter.currentVersionId;
  if (ofThisLetter && ofThisLetter.id === currentId) return { id: ofThisLetter.id, lang: ofThisLetter.lang, title: ofThisLetter.title };
  const current = currentId === undefined ? undefined : await findVersion(tx, currentId);
  throw textChanged({ read: ofThisLetter?.number, current: current?.number, lang: ofThisLetter?.lang });
}

/** What moderators are told about a signer; none of it changes what the signer sees. */
interface Screening {
  /** A block rule catches the signer: stored normally, rejected on confirmation. */
  blocked: boolean;
  /** Held for a moderator even on a post-moderated letter (e.g. a famous name). */
  holdReason: string | null;
  disposableEmail: boolean;
}

async function screenSigner(ctx: Context, letter: PublicLetterRow, input: SignLetterInput): Promise<Screening> {
  const { form, client } = input;
  return {
    blocked: (await matchingBlockRule(ctx.db, { letterId: letter.id, client, emailDomain: form.email.domain })) !== undefined,
    holdReason: famousNameHold(ctx, form.name),
    disposableEmail: isDisposableEmailDomain(form.email.domain),
  };
}

/** What one submission of the form says about the signer: a new signature, or the latest word of an unconfirmed one. */
function submittedValues(organisation: OrganisationMatch, read: TextRead, input: SignLetterInput, screening: Screening, now: Date) {
  const { form, client } = input;
  return {
    ...organisation,
    versionId: read.id,
    lang: read.lang,
    name: form.name,
    // The address as the key is made from it (see parseEmailAddress), so mail goes where the key points.
    email: form.email.email,
    title: form.title,
    organisationText: form.organisation,
    comment: form.comment,
    showPublic: form.public,
    contactUpdates: form.updates,
    source: form.ref,
    ipHash: client?.ipHash ?? null,
    ipNetwork: client?.ipNetwork ?? null,
    signedAt: now,
    ...screening,
  };
}

type SubmittedValues = ReturnType<typeof submittedValues>;

async function handleRepeatSigner(ctx: Context, tx: Tx, letter: PublicLetterRow, submitted: SubmittedValues, existing: SignatureRow): Promise<void> {
  switch (existing.state) {
    case 'withdrawn': {
      await revokeTokens(tx, existing.id);
      // A signature made afresh; what a moderator decided about the address before (rejectedAt) stays.
      const values = { ...submitted, source: keptSource(existing, submitted), state: 'unconfirmed' as const, mailsSent: 0 };
      await tx
        .update(signatures)
        .set({ ...values, confirmedAt: null, moderatedAt: null, withdrawnAt: null, featured: false, affiliationVerified: false, reminderSentAt: null, moderationNote: null })
        .where(eq(signatures.id, existing.id));
      return sendConfirmationMail(ctx, tx, letter, { ...existing, ...values });
    }
    case 'unconfirmed': {
      // Only the owner of the mailbox can confirm, and they confirm what their latest mail was
      // for: so the latest submission's details replace the earlier ones, whoever sent those,
      // but only together with a new mail, whose link is then the only one that confirms. With
      // no mail left to send, nothing changes: details no mail went out for are never confirmed.
      // A block rule that caught the signature already keeps catching it.
      if (!hasMailAllowance(ctx, existing)) return;
      const values = { ...submitted, source: keptSource(existing, submitted), blocked: existing.blocked || submitted.blocked };
      await tx.update(signatures).set(values).where(eq(signatures.id, existing.id));
      await replaceConfirmLinks(tx, existing.id, submitted.signedAt);
      return sendConfirmationMail(ctx, tx, letter, { ...existing, ...values });
    }
    case 'pending':
    case 'approved':
      if (hasMailAllowance(ctx, existing)) await sendAlreadySignedMail(ctx, tx, letter, existing);
      return;
    case 'rejected':
      // Saying anything would tell a rejected signer (or someone using their address) about moderation.
      return;
  }
}

/**
 * The partner a signer came through is the first one recorded: a later submission from the plain
 * page (or anyone's, with another partner's link) does not take the credit away.
 */
const keptSource = (existing: SignatureRow, submitted: SubmittedValues): string | null => existing.source ?? submitted.source;

const hasMailAllowance = (ctx: Context, signature: SignatureRow): boolean => signature.mailsSent < ctx.config.maxMailsPerSignature;

type ConfirmationKind = 'confirm-signature' | 'confirm-reminder';

/** Queues a mail with a fresh confirm link and counts it against the signature's allowance. */
export async function sendConfirmationMail(ctx: Context, tx: Tx, letter: PublicLetterRow, signature: Pick<SignatureRow, 'id' | 'email'>, kind: ConfirmationKind = 'confirm-signature'): Promise<void> {
  await queueConfirmationMail(ctx, tx, letter, signature, kind);
  await recordMailSent(tx, signature.id);
}

/** sendConfirmationMail without counting the mail: for a new signature, whose row is inserted already counting it. */
async function queueConfirmationMail(ctx: Context, tx: Tx, letter: PublicLetterRow, signature: Pick<SignatureRow, 'id' | 'email'>, kind: ConfirmationKind): Promise<void> {
  const now = ctx.now();
  const token = await issueToken(tx, signature.id, 'confirm', ctx.config.confirmTokenDays, now);
  const content = {
    ...mailAbout(ctx, letter),
    confirmUrl: `${ctx.config.baseUrl}/signatures/confirm/${token}`,
    expiresDays: ctx.config.confirmTokenDays,
  };
  await enqueueMail(tx, { kind, to: signature.email, content, signatureId: signature.id }, now, mailDomain(ctx));
}

async function sendAlreadySignedMail(ctx: Context, tx: Tx, letter: PublicLetterRow, signature: SignatureRow): Promise<void> {
  const now = ctx.now();
  const token = await issueToken(tx, signature.id, 'withdraw', WITHDRAW_TOKEN_DAYS, now);
  const content = {
    ...mailAbout(ctx, letter),
    withdrawUrl: `${ctx.config.baseUrl}/signatures/withdraw/${token}`,
  };
  await enqueueMail(tx, { kind: 'already-signed', to: signature.email, content, signatureId: signature.id }, now, mailDomain(ctx));
  await recordMailSent(tx, signature.id);
}

export const mailDomain = (ctx: Pick<Context, 'config'>): string => new URL(ctx.config.baseUrl).hostname;

/** A letter as the signer read it: its title in that language, and the title's own language. */
export type LetterAsRead = PublicLetterRow & { lang: string };

/** The letter as a signer read it: the title of the version they signed, in its language. */
export async function letterAsSignerRead<L extends PublicLetterRow>(db: Reader, letter: L, signature: { versionId: number; lang: string }): Promise<L> {
  if (signature.versionId === letter.currentVersionId) return letter;
  const version = await findVersion(db, signature.versionId);
  return { ...letter, title: version?.title ?? letter.title, lang: version?.lang ?? signature.lang };
}

/**
 * What every mail about a letter says of it, in the language the signer read it in (`lang`, which
 * the outbox worker renders the mail in): its title in that language and its address, naming the
 * language when the letter has several.
 */
export const mailAbout = (ctx: Context, letter: LetterAsRead) => ({
  lang: letter.lang,
  letterTitle: letter.title,
  letterUrl: `${ctx.config.baseUrl}/letters/${letter.slug}${letterLanguages(letter).length > 1 ? `?lang=${letter.lang}` : ''}`,
});

import { eq } from 'drizzle-orm';
import type { Context } from '../context.js';
import { one, type Reader } from '../db/database.js';
import { sha256Hex } from '../lib/hash.js';
import { AppError, notFound } from '../web/errors.js';
import { isAffiliationVerified } from './organisation-links.js';
import { findSignatureById } from './repo.js';
import { letterAsSignerRead, mailAbout, mailDomain } from './sign-letter.js';
import { signatures, type SignatureRow } from './table.js';
import { issueToken, redeemToken, WITHDRAW_TOKEN_DAYS } from './tokens.js';
import { closedSince, findLetterById, findVersion, type LetterRow, type LetterVersionRow } from '../letters/index.js';
import { enqueueMail } from '../mail/index.js';
import { organisationDomainsOf } from '../organisations/index.js';

export interface ConfirmationView {
  letter: LetterRow;
  signature: SignatureRow;
  /** The version of the text the signature is for. */
  version: LetterVersionRow | undefined;
  alreadyConfirmed: boolean;
  /** Stands for the details the page shows; its form sends it back with Confirm. */
  detailsFingerprint: string;
}

/**
 * The details a confirm page shows, as one value. A Confirm pressed on a page whose details have
 * changed since it was shown confirms nothing: the signer sees the details as they are now.
 */
export function detailsFingerprint(signature: SignatureRow): string {
  const { id, versionId, name, email, organisationText, title, comment, showPublic, contactUpdates } = signature;
  return sha256Hex(JSON.stringify([id, versionId, name, email, organisationText, title, comment, showPublic, contactUpdates]));
}

const detailsChanged = (): AppError =>
  new AppError('signature_details_changed', 409, 'The details of this signature changed after this page was shown, so nothing was confirmed. Check the details below as they are now, then confirm again if they are yours.');

/** What the confirm page shows for a token; changes nothing (mail scanners prefetch links). */
export function describeConfirmation(ctx: Context, token: string): Promise<ConfirmationView> {
  return describeConfirmationIn(ctx.db, token, ctx.now());
}

async function describeConfirmationIn(db: Reader, token: string, now: Date): Promise<ConfirmationView> {
  const signature = await signatureForToken(db, token, now);
  const letter = await letterAsSignerRead(db, await findLetterById(db, signature.letterId), signature);
  return { letter, signature, version: await findVersion(db, signature.versionId), alreadyConfirmed: signature.state !== 'unconfirmed', detailsFingerprint: detailsFingerprint(signature) };
}

/**
 * The signer proves the address is theirs, for the details their page showed (`shownDetails`, its
 * detailsFingerprint; a client that sends none confirms what is stored). Idempotent: confirming
 * twice is the same as once, and only the first sends the thank-you mail.
 */
export async function confirmSignature(ctx: Context, token: string, shownDetails?: string): Promise<ConfirmationView> {
  const now = ctx.now();
  const view = await ctx.db.write(async (tx) => {
    const described = await describeConfirmationIn(tx, token, now);
    const { letter, signature, version, alreadyConfirmed } = described;
    if (alreadyConfirmed) return described;
    if (shownDetails !== undefined && shownDetails !== described.detailsFingerprint) throw detailsChanged();
    if (!signedWhileOpen(letter, signature, now)) throw signedAfterClosing();
    const state = stateAfterConfirmation(letter, signature);
    const affiliationVerified = isAffiliationVerified({ state, emailDomain: signature.emailDomain }, await organisationDomainsOf(tx, signature.organisationId));
    const confirmed = await one(
      tx
        .update(signatures)
        .set({ state, confirmedAt: now, affiliationVerified, ...(state === 'rejected' ? { rejectedAt: now } : {}) })
        .where(eq(signatures.id, signature.id))
        .returning(),
    );
    const withdrawToken = await issueToken(tx, signature.id, 'withdraw', WITHDRAW_TOKEN_DAYS, now);
    const editToken = await issueToken(tx, signature.id, 'edit', WITHDRAW_TOKEN_DAYS, now);
    const content = {
      ...mailAbout(ctx, letter),
      name: signature.name,
      moderated: state !== 'approved',
      withdrawUrl: `${ctx.config.baseUrl}/signatures/withdraw/${withdrawToken}`,
      editUrl: `${ctx.config.baseUrl}/signatures/edit/${editToken}`,
      versionHash: version?.sha256 ?? '',
    };
    await enqueueMail(tx, { kind: 'signature-confirmed', to: signature.email, content, signatureId: signature.id }, now, mailDomain(ctx));
    return { ...described, signature: confirmed };
  });
  ctx.notifyOutbox();
  return view;
}

/**
 * A confirmation after the letter closed still counts, if the signature was made while it was
 * open: closing stops new signatures, not the confirmation of those already made.
 */
function signedWhileOpen(letter: LetterRow, signature: SignatureRow, now: Date): boolean {
  const closedAt = closedSince(letter, now);
  return !closedAt || signature.signedAt < closedAt;
}

const signedAfterClosing = (): AppError =>
  new AppError('signed_after_closing', 409, 'This letter had closed before this signature was made, so it cannot be confirmed.');

/**
 * A blocked signer sees the normal flow but is stored rejected. Held names, and an address whose
 * signature on this letter was rejected before, wait for a moderator even on a post-moderated letter.
 */
function stateAfterConfirmation(letter: LetterRow, signature: SignatureRow): SignatureRow['state'] {
  if (signature.blocked) return 'rejected';
  return letter.moderation === 'post' && !signature.holdReason && !signature.rejectedAt ? 'approved' : 'pending';
}

async function signatureForToken(db: Reader, token: string, now: Date): Promise<SignatureRow> {
  const signatureId = await redeemToken(db, token, 'confirm', now);
  const signature = await findSignatureById(db, signatureId);
  if (!signature) throw notFound('signature');
  if (signature.state === 'withdrawn') {
    throw new AppError('signature_withdrawn', 410, 'This signature was withdrawn. You can sign the letter again from its page.');
  }
  return signature;
}

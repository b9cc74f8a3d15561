/**
 * A signer's story: sign, confirm, withdraw, tokens and reminders, plus the signature table and every
 * statement over it (the public list's queries, the moderation queue's, erasure). The counts repair
 * command lives here too: it recounts signature rows, and the triggers that keep those counts are this
 * table's.
 *
 * Other modules import only from this file (or a *-command.ts file); see README "Where things are".
 */
// re-exports
export { SIGNATURE_STATES, type SignatureRow, type SignatureState } from './table.js';
export { type BlockableFilter, findBlockableSignatures, inChunks, shadowRejectSignatures, signaturesWithIpHash } from './block-matching.js';
export { anonymiseSignaturesOfLetter, deleteUnconfirmedSignedBefore, eraseSignatures, findSignaturesByEmailKeys, forgetClientAddressesBefore, ipHashesOfLetter, signatureIdsOfLetter, unconfirmedSignedBefore, withdrawRejectedUnconfirmedBefore } from './erasure.js';
export { type GivenBackLetterPage, SIGN_FIELD_RULES, type SignFormState } from './forms.js';
export { type SignFormPlace, handleSignForm } from './sign-form-handler.js';
export { type PublicSignatory, allPublicSignatories, listFeaturedSignatories, listPublicSignatories, organisationBreakdown } from './listed-signatures.js';
export { type ModerationChanges, type ModerationQueueItem, approveVerifiedPendingSignatures, countSignaturesOnLetter, countVerifiedPending, findModeratableSignatures, listModerationQueue, updateModeratedSignatures } from './moderation-queue.js';
export { type OrganisationSignatureCounts, countSignaturesByOrganisation, linkUnmatchedSignatures, moveOrganisationSignatures, reevaluateAffiliations } from './organisation-links.js';
export { sendDueReminders } from './remind-signers.js';
export { type NewSignatureRow, highestSignatureId, insertSignatureRows } from './repo.js';
export { WITHDRAW_TOKEN_DAYS } from './tokens.js';
export { type Subscription, type UpdateRecipient, countUpdateRecipients, issueUnsubscribeToken, stopUpdates, subscriptionOf, updateRecipientsAfter } from './update-recipients.js';
export { type WaitingEdit, decideWaitingEdits, listWaitingEdits } from './signature-edits.js';

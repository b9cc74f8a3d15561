import type { Context } from '../context.js';
import { lowerCasedAddress, parseEmailAddress } from '../lib/email-address.js';
import { AppError } from '../web/errors.js';
import { eraseModerationNotes, recordAudit, type Actor } from '../audit/index.js';
import { forgetIpHashRules } from '../abuse/index.js';
import { deleteMailsForSignatures, deleteMailsTo } from '../mail/index.js';
import { eraseSignatures, findSignaturesByEmailKeys } from '../signatures/index.js';
import { eraseEndorsementsByEmailKeys } from '../endorsements/index.js';

export interface EraseSignerInput {
  email: string;
  actor: Actor;
}

export interface EraseSignerResult {
  signatures: number;
  /** Endorsements sent from the address, on any letter, deleted with their links. */
  endorsements: number;
  mailsDeleted: number;
}

/**
 * A signer's erasure request, carried out by an owner: every signature by the address (any alias
 * of its mailbox: see emailKeyOf), on every letter, is withdrawn and erased (address included), and every mail to it is deleted. The same
 * statements run whether or not the address ever signed, so the time taken does not tell. Block
 * rules made from the signer's address hashes (those they carry now, and any rule made from one of
 * their signatures) go too, and the audit log loses the moderators'
 * notes about these signatures and those hashes. The audit record keeps the counts, never the address.
 */
export async function eraseSigner(ctx: Context, input: EraseSignerInput): Promise<EraseSignerResult> {
  const address = parseEmailAddress(input.email);
  if (!address) throw new AppError('invalid_email', 422, 'Enter an email address in the correct format, like name@example.org');
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    // Under the address's key, and under the key it had before keys named the mailbox (a row
    // that would have collided with another kept it: see migration 0008).
    const keys = [address.key, lowerCasedAddress(address)];
    const found = await findSignaturesByEmailKeys(tx, keys);
    const ids = found.map((signature) => signature.id);
    const endorsed = await eraseEndorsementsByEmailKeys(tx, keys);
    const mailsDeleted = (await deleteMailsForSignatures(tx, ids)) + (await deleteMailsTo(tx, [address.email, address.key, ...found.map((signature) => signature.email), ...endorsed.addresses]));
    const blockRulesDeleted = await forgetIpHashRules(tx, { values: found.flatMap((signature) => (signature.ipHash ? [signature.ipHash] : [])), signatureIds: ids });
    await eraseModerationNotes(tx, { signatureIds: ids });
    const signatures = await eraseSignatures(tx, ids, now);
    await recordAudit(tx, { actor: input.actor, action: 'signer.erase', details: { signatures, endorsements: endorsed.erased, mailsDeleted, blockRulesDeleted } }, now);
    return { signatures, endorsements: endorsed.erased, mailsDeleted };
  });
}

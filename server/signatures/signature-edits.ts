import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Reader, Tx } from '../db/database.js';
import { one } from '../db/database.js';
import { insertRow } from '../db/prepared.js';
import { isAffiliationVerified } from './organisation-links.js';
import { signatureEdits, signatures, type SignatureRow } from './table.js';
import { matchOrganisation, organisationDomainsOf } from '../organisations/index.js';

/** What a signer may change about their entry, as the public list shows it. */
export interface ListedDetails {
  name: string;
  title: string;
  organisationText: string;
  showPublic: boolean;
}

/** What the signer may change that the public never sees: applied at once on any letter. */
export interface PrivateDetails {
  comment: string;
  contactUpdates: boolean;
}

/**
 * Writes new details to a signature: the organisation is matched again from the new text, and the
 * verified mark follows the (possibly new) organisation's domains, so an edit never keeps a mark
 * earned at another organisation. The count triggers see the changed columns and keep the counts.
 */
export async function applyDetails(tx: Tx, signature: SignatureRow, details: Partial<ListedDetails & PrivateDetails>, extra: Partial<Pick<SignatureRow, 'moderatedAt'>> = {}): Promise<SignatureRow> {
  const organisationText = details.organisationText ?? signature.organisationText;
  const match = organisationText === signature.organisationText
    ? { organisationId: signature.organisationId, organisationKey: signature.organisationKey }
    : await matchOrganisation(tx, organisationText);
  const affiliationVerified = isAffiliationVerified(signature, await organisationDomainsOf(tx, match.organisationId));
  return one(tx.update(signatures).set({ ...details, ...match, affiliationVerified, ...extra }).where(eq(signatures.id, signature.id)).returning());
}

/** Stores a change for an organiser to approve; it replaces one already waiting for the signature. */
export async function storeWaitingEdit(tx: Tx, signature: SignatureRow, details: ListedDetails, now: Date): Promise<void> {
  await deleteWaitingEdits(tx, [signature.id]);
  await insertRow(tx, signatureEdits, { signatureId: signature.id, letterId: signature.letterId, ...details, createdAt: now });
}

export async function deleteWaitingEdits(tx: Tx, signatureIds: readonly number[]): Promise<void> {
  if (signatureIds.length > 0) await tx.delete(signatureEdits).where(inArray(signatureEdits.signatureId, [...signatureIds]));
}

export const findWaitingEdit = async (db: Reader, signatureId: number) =>
  (await db.select().from(signatureEdits).where(eq(signatureEdits.signatureId, signatureId)))[0];

const LISTED_COLUMNS = { name: signatures.name, title: signatures.title, organisationText: signatures.organisationText, showPublic: signatures.showPublic } as const;

export interface WaitingEdit {
  id: number;
  signatureId: number;
  email: string;
  before: ListedDetails;
  after: ListedDetails;
  createdAt: Date;
}

/** A letter's waiting edits, oldest first, with the entry as it is listed now: what the moderation queue shows. */
export async function listWaitingEdits(db: Reader, letterId: number, limit = 200): Promise<WaitingEdit[]> {
  const rows = await db
    .select({ edit: signatureEdits, email: signatures.email, before: LISTED_COLUMNS })
    .from(signatureEdits)
    .innerJoin(signatures, eq(signatures.id, signatureEdits.signatureId))
    .where(eq(signatureEdits.letterId, letterId))
    .orderBy(asc(signatureEdits.id))
    .limit(limit);
  return rows.map(({ edit, email, before }) => ({
    id: edit.id,
    signatureId: edit.signatureId,
    email,
    before,
    after: { name: edit.name, title: edit.title, organisationText: edit.organisationText, showPublic: edit.showPublic },
    createdAt: edit.createdAt,
  }));
}

/**
 * An organiser's decision on waiting edits of a letter: approved ones are applied (and the entry
 * stays approved), rejected ones are dropped and the entry stays as it was. Returns the signature
 * ids of the edits decided; ids that are not waiting edits of this letter are left alone.
 */
export async function decideWaitingEdits(tx: Tx, letterId: number, editIds: readonly number[], approve: boolean, now: Date): Promise<number[]> {
  if (editIds.length === 0) return [];
  const rows = await tx
    .select({ edit: signatureEdits, signature: signatures })
    .from(signatureEdits)
    .innerJoin(signatures, eq(signatures.id, signatureEdits.signatureId))
    .where(and(eq(signatureEdits.letterId, letterId), inArray(signatureEdits.id, [...editIds])));
  for (const { edit, signature } of rows) {
    // A signature rejected or withdrawn since keeps what it has.
    if (approve && (signature.state === 'approved' || signature.state === 'pending')) {
      const { name, title, organisationText, showPublic } = edit;
      await applyDetails(tx, signature, { name, title, organisationText, showPublic }, { moderatedAt: now });
    }
  }
  const decided = rows.map((row) => row.signature.id).sort((a, b) => a - b);
  await deleteWaitingEdits(tx, decided);
  return decided;
}

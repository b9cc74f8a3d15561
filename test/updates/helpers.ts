import type { LetterRow } from '../../server/letters/table.js';
import type { SignatureRow } from '../../server/signatures/table.js';
import type { TestApp } from '../helpers/app.js';
import { buildSignature } from '../helpers/factories.js';
import type { SignedIn } from '../helpers/organisers.js';

/** Signers of every kind: only the first two (confirmed, not withdrawn or rejected, "email me" ticked) may get an update. */
export async function signersOfEveryKind(t: Pick<TestApp, 'ctx'>, letter: LetterRow): Promise<{ recipients: SignatureRow[]; others: SignatureRow[] }> {
  const recipients = [
    await buildSignature(t.ctx, letter, { email: 'approved@example.org', name: 'Approved Signer', state: 'approved', contactUpdates: true }),
    await buildSignature(t.ctx, letter, { email: 'pending@example.org', name: 'Pending Signer', state: 'pending', contactUpdates: true }),
  ];
  const others = [
    await buildSignature(t.ctx, letter, { email: 'unconfirmed@example.org', state: 'unconfirmed', contactUpdates: true }),
    await buildSignature(t.ctx, letter, { email: 'withdrawn@example.org', state: 'withdrawn', contactUpdates: true }),
    await buildSignature(t.ctx, letter, { email: 'rejected@example.org', state: 'rejected', contactUpdates: true }),
    await buildSignature(t.ctx, letter, { email: 'unticked@example.org', state: 'approved', contactUpdates: false }),
  ];
  return { recipients, others };
}

export const updatesPath = (slug: string): string => `/admin/letters/${slug}/updates`;

/** Writes a draft through the form and returns its id (from the preview's address). */
export async function draftThroughForm(owner: Pick<SignedIn, 'post'>, slug: string, fields: Record<string, string> = {}): Promise<number> {
  const res = await owner.post(updatesPath(slug), { subject: 'We delivered the letter', body: 'It went **today**.', showOnLetter: 'no', ...fields }).expect(303);
  const id = Number(/\/updates\/(\d+)$/.exec(res.headers.location ?? '')?.[1]);
  if (!Number.isInteger(id)) throw new Error(`no update id in ${res.headers.location}`);
  return id;
}

import { and, eq } from 'drizzle-orm';
import type { Context } from '../context.js';
import { one, type Tx } from '../db/database.js';
import { isUniqueViolation } from '../db/errors.js';
import { partnerRefTaken, refuseDevelopmentOrigins, type PartnerForm } from './forms.js';
import { findPartner, originsText, type Partner } from './partners.js';
import { letterPartners } from './table.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { findLetter } from '../letters/index.js';

const subjectOf = (slug: string): string => `letter:${slug}`;

/** Runs a partner change; a ref another partner of the letter holds is refused on the ref field. */
async function refusingTakenRef<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error)) throw partnerRefTaken();
    throw error;
  }
}

async function refIsTaken(tx: Tx, letterId: number, ref: string, exceptId?: number): Promise<boolean> {
  const [row] = await tx.select({ id: letterPartners.id }).from(letterPartners).where(and(eq(letterPartners.letterId, letterId), eq(letterPartners.ref, ref))).limit(1);
  return row !== undefined && row.id !== exceptId;
}

/** An owner registers a partner of a letter. */
export async function addPartner(ctx: Context, slug: string, form: PartnerForm, actor: Actor): Promise<Partner> {
  refuseDevelopmentOrigins(ctx.config.isProduction, form.origins);
  const now = ctx.now();
  return refusingTakenRef(() =>
    ctx.db.write(async (tx) => {
      const letter = await findLetter(tx, slug);
      if (await refIsTaken(tx, letter.id, form.ref)) throw partnerRefTaken();
      const row = await one(tx.insert(letterPartners).values({ letterId: letter.id, name: form.name, ref: form.ref, origins: originsText(form.origins), createdAt: now, updatedAt: now }).returning());
      await recordAudit(tx, { actor, action: 'partner.create', subject: subjectOf(letter.slug), details: { partnerId: row.id, name: form.name, ref: form.ref, origins: form.origins } }, now);
      return { id: row.id, name: form.name, ref: form.ref, origins: form.origins };
    }),
  );
}

/** An owner changes a partner's name, ref or origins. Signatures keep the ref they were made with. */
export async function changePartner(ctx: Context, slug: string, id: number, form: PartnerForm, actor: Actor): Promise<void> {
  refuseDevelopmentOrigins(ctx.config.isProduction, form.origins);
  const now = ctx.now();
  await refusingTakenRef(() =>
    ctx.db.write(async (tx) => {
      const letter = await findLetter(tx, slug);
      const before = await findPartner(tx, letter.id, id);
      if (await refIsTaken(tx, letter.id, form.ref, id)) throw partnerRefTaken();
      await tx.update(letterPartners).set({ name: form.name, ref: form.ref, origins: originsText(form.origins), updatedAt: now }).where(eq(letterPartners.id, id));
      await recordAudit(tx, { actor, action: 'partner.update', subject: subjectOf(letter.slug), details: { partnerId: id, before: { name: before.name, ref: before.ref, origins: before.origins }, after: form } }, now);
    }),
  );
}

/** An owner removes a partner: its frame is refused from then on; its signatures keep their ref. */
export async function removePartner(ctx: Context, slug: string, id: number, actor: Actor): Promise<Partner> {
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    const letter = await findLetter(tx, slug);
    const partner = await findPartner(tx, letter.id, id);
    await tx.delete(letterPartners).where(eq(letterPartners.id, id));
    await recordAudit(tx, { actor, action: 'partner.delete', subject: subjectOf(letter.slug), details: { partnerId: id, name: partner.name, ref: partner.ref, origins: partner.origins } }, now);
    return partner;
  });
}

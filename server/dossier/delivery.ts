import { eq } from 'drizzle-orm';
import type { Context } from '../context.js';
import { first, type Reader } from '../db/database.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { bumpPublicRevision, findLetter } from '../letters/index.js';
import type { DeliveryForm } from './delivery-forms.js';
import { letterDeliveries, type LetterDeliveryRow } from './table.js';

/** How the letter reached its recipient, and their response: what the letter page shows. */
export interface Delivery {
  recipient: string;
  deliveredOn: string;
  note: string;
  link: string;
  response: { on: string; text: string; link: string } | null;
}

const deliveryOf = (row: LetterDeliveryRow): Delivery => ({
  recipient: row.recipient,
  deliveredOn: row.deliveredOn,
  note: row.deliveryNote,
  link: row.deliveryLink,
  response: row.responseOn ? { on: row.responseOn, text: row.responseText, link: row.responseLink } : null,
});

const findRow = (db: Reader, letterId: number) => first(db.select().from(letterDeliveries).where(eq(letterDeliveries.letterId, letterId)));

/** The letter's delivery, if organisers recorded one. */
export async function findDelivery(db: Reader, letterId: number): Promise<Delivery | null> {
  const row = await findRow(db, letterId);
  return row ? deliveryOf(row) : null;
}

/** The delivery form's fields as stored, for the form to show again. */
export async function deliveryFormValues(db: Reader, letterId: number): Promise<Record<string, string>> {
  const row = await findRow(db, letterId);
  if (!row) return {};
  const { recipient, deliveredOn, deliveryNote, deliveryLink, responseOn, responseText, responseLink } = row;
  return { recipient, deliveredOn, deliveryNote, deliveryLink, responseOn, responseText, responseLink };
}

/**
 * An owner records that the letter was delivered (to whom, on which day, with a note or link) and,
 * then or later, the recipient's response; saving again edits both. Audited with what it was
 * before; the letter page shows it at once.
 */
export async function recordDelivery(ctx: Pick<Context, 'db' | 'now'>, slug: string, form: DeliveryForm, actor: Actor): Promise<void> {
  const now = ctx.now();
  await ctx.db.write(async (tx) => {
    const letter = await findLetter(tx, slug);
    const before = await findDelivery(tx, letter.id);
    const values = { ...form, updatedAt: now };
    await tx.insert(letterDeliveries).values({ letterId: letter.id, ...values }).onConflictDoUpdate({ target: letterDeliveries.letterId, set: values });
    // The letter page is kept until something it shows changes: this is such a change.
    await bumpPublicRevision(tx, letter.id);
    await recordAudit(tx, { actor, action: before ? 'delivery.update' : 'delivery.record', subject: `letter:${letter.slug}`, details: { before, after: form } }, now);
  });
}

/** An owner removes a delivery recorded by mistake. */
export async function removeDelivery(ctx: Pick<Context, 'db' | 'now'>, slug: string, actor: Actor): Promise<void> {
  const now = ctx.now();
  await ctx.db.write(async (tx) => {
    const letter = await findLetter(tx, slug);
    const before = await findDelivery(tx, letter.id);
    if (!before) return;
    await tx.delete(letterDeliveries).where(eq(letterDeliveries.letterId, letter.id));
    await bumpPublicRevision(tx, letter.id);
    await recordAudit(tx, { actor, action: 'delivery.remove', subject: `letter:${letter.slug}`, details: { before } }, now);
  });
}

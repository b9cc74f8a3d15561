import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { signatures, type SignatureRow } from './table.js';

export const findSignatureByEmailKey = (db: Db, letterId: number, emailKey: string): SignatureRow | undefined =>
  db.select().from(signatures).where(and(eq(signatures.letterId, letterId), eq(signatures.emailKey, emailKey))).get();

export const findSignatureById = (db: Db, id: number): SignatureRow | undefined =>
  db.select().from(signatures).where(eq(signatures.id, id)).get();

export const recordMailSent = (tx: Db, signatureId: number): void => {
  tx.update(signatures).set({ mailsSent: sql`${signatures.mailsSent} + 1` }).where(eq(signatures.id, signatureId)).run();
};

export { isUniqueViolation } from '../db/errors.js';

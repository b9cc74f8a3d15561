import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { preparedPerConnection } from '../db/prepared.js';
import { signatures, type SignatureRow } from './table.js';

const signatureByEmailKey = preparedPerConnection((db) =>
  db.select().from(signatures).where(and(eq(signatures.letterId, sql.placeholder('letterId')), eq(signatures.emailKey, sql.placeholder('emailKey')))).prepare(),
);
export const findSignatureByEmailKey = (db: Db, letterId: number, emailKey: string): SignatureRow | undefined => signatureByEmailKey(db).get({ letterId, emailKey });

export const findSignatureById = (db: Db, id: number): SignatureRow | undefined =>
  db.select().from(signatures).where(eq(signatures.id, id)).get();

const mailSent = preparedPerConnection((db) => db.update(signatures).set({ mailsSent: sql`${signatures.mailsSent} + 1` }).where(eq(signatures.id, sql.placeholder('id'))).prepare());
export const recordMailSent = (tx: Db, signatureId: number): void => {
  mailSent(tx).run({ id: signatureId });
};

export { isUniqueViolation } from '../db/errors.js';

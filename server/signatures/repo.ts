import { and, eq, max, sql } from 'drizzle-orm';
import { first, type Reader, type Tx } from '../db/database.js';
import { preparedChange, preparedQuery } from '../db/prepared.js';
import { signatures, type SignatureRow } from './table.js';

const signatureByEmailKey = preparedQuery((db) =>
  db.select().from(signatures).where(and(eq(signatures.letterId, sql.placeholder('letterId')), eq(signatures.emailKey, sql.placeholder('emailKey')))),
);
export const findSignatureByEmailKey = (db: Reader, letterId: number, emailKey: string): Promise<SignatureRow | undefined> => signatureByEmailKey.first(db, { letterId, emailKey });

export const findSignatureById = (db: Reader, id: number): Promise<SignatureRow | undefined> => first(db.select().from(signatures).where(eq(signatures.id, id)));

const mailSent = preparedChange((tx) => tx.update(signatures).set({ mailsSent: sql`${signatures.mailsSent} + 1` }).where(eq(signatures.id, sql.placeholder('id'))));
export const recordMailSent = (tx: Tx, signatureId: number): Promise<void> => mailSent(tx, { id: signatureId });

export { isUniqueViolation } from '../db/errors.js';

export type NewSignatureRow = typeof signatures.$inferInsert;

/** The highest signature id so far (0 when there is none): the dev seed numbers its rows after it. */
export const highestSignatureId = async (db: Reader): Promise<number> => (await first(db.select({ id: max(signatures.id) }).from(signatures)))?.id ?? 0;

/** Rows inserted as given (the count triggers still run for each), skipping any that clash with a stored one: the dev seed's bulk insert. */
export async function insertSignatureRows(tx: Tx, rows: NewSignatureRow[]): Promise<void> {
  await tx.insert(signatures).values(rows).onConflictDoNothing();
}

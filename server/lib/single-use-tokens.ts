import { and, eq, isNull, notInArray } from 'drizzle-orm';
import type { AnySQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { first, type Reader, type Tx } from '../db/database.js';
import { insertRow } from '../db/prepared.js';
import { AppError } from '../web/errors.js';
import { randomToken, sha256Hex } from './hash.js';

const DAY = 24 * 60 * 60 * 1000;

/** Only URL-safe base64 of the right size can be a token; anything else is not looked up. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * A table of mailed links: one row per token, holding only its SHA-256, the row it was issued for
 * (its owner: a signature, an endorsement), one purpose, an expiry and when a newer mail replaced it.
 */
export interface TokenTable {
  table: SQLiteTable;
  tokenHash: AnySQLiteColumn;
  /** The owner's id column, and its property name in the table's insert type. */
  owner: AnySQLiteColumn;
  ownerKey: string;
  purpose: AnySQLiteColumn;
  expiresAt: AnySQLiteColumn;
  replacedAt: AnySQLiteColumn;
}

export interface SingleUseTokens<P extends string> {
  /** Creates a single-purpose token; only its SHA-256 is stored. Returns the token for the mail. */
  issue(tx: Tx, ownerId: number, purpose: P, lifetimeDays: number, now: Date): Promise<string>;
  /** The owner a token was issued for, for that purpose only: 404 unknown, 410 replaced or expired. */
  redeem(db: Reader, token: string, purpose: P, now: Date): Promise<number>;
  /** Every link of `purpose` mailed to the owner before stops working (and says why). */
  replace(tx: Tx, ownerId: number, purpose: P, now: Date): Promise<void>;
  /** Deletes the owner's tokens, all but those of the purposes in `keep`. */
  revoke(tx: Tx, ownerId: number, keep?: readonly P[]): Promise<void>;
}

const linkReplaced = (): AppError =>
  new AppError(
    'token_replaced',
    410,
    'A newer email replaced this link: the form was sent again for this address, with details that may differ, so only the link in the newest email can confirm. Open that email and check the details before you confirm.',
  );

/** The one way tokens are issued and checked, for each table that keeps them. */
export function singleUseTokens<P extends string>(spec: TokenTable): SingleUseTokens<P> {
  const { table } = spec;
  return {
    async issue(tx, ownerId, purpose, lifetimeDays, now) {
      const token = randomToken();
      const row = { tokenHash: sha256Hex(token), [spec.ownerKey]: ownerId, purpose, expiresAt: new Date(now.getTime() + lifetimeDays * DAY), createdAt: now };
      await insertRow(tx, table, row as never);
      return token;
    },
    async redeem(db, token, purpose, now) {
      const row = TOKEN_SHAPE.test(token)
        ? ((await first(
            db
              .select({ ownerId: spec.owner, expiresAt: spec.expiresAt, replacedAt: spec.replacedAt })
              .from(table)
              .where(and(eq(spec.tokenHash, sha256Hex(token)), eq(spec.purpose, purpose))),
          )) as { ownerId: number; expiresAt: Date; replacedAt: Date | null } | undefined)
        : undefined;
      if (!row) throw new AppError('token_unknown', 404, 'This link is not valid. It may have been mistyped, or replaced by a newer one.');
      if (row.replacedAt) throw linkReplaced();
      if (row.expiresAt <= now) throw new AppError('token_expired', 410, 'This link has expired.');
      return row.ownerId;
    },
    async replace(tx, ownerId, purpose, now) {
      await tx
        .update(table)
        // Both token tables name the column replacedAt (see TokenTable).
        .set({ replacedAt: now } as never)
        .where(and(eq(spec.owner, ownerId), eq(spec.purpose, purpose), isNull(spec.replacedAt)));
    },
    async revoke(tx, ownerId, keep = []) {
      await tx.delete(table).where(keep.length > 0 ? and(eq(spec.owner, ownerId), notInArray(spec.purpose, [...keep])) : eq(spec.owner, ownerId));
    },
  };
}

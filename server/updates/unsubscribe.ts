import type { Context } from '../context.js';
import { findLetterById, type LetterRow } from '../letters/index.js';
import { stopUpdates, subscriptionOf } from '../signatures/index.js';

export interface UnsubscribeView {
  letter: LetterRow;
  /** False once updates are stopped (or the signature was withdrawn): the page says so and offers no button. */
  receivesUpdates: boolean;
  /** The signer's language: the page speaks it (not `lang`, which a view takes as the page's own). */
  signerLang: string;
}

/** What the unsubscribe page shows for a link; changes nothing (mail scanners follow links). */
export async function describeUnsubscribe(ctx: Context, token: string): Promise<UnsubscribeView> {
  const subscription = await subscriptionOf(ctx.db, token, ctx.now());
  return { letter: await findLetterById(ctx.db, subscription.letterId), receivesUpdates: subscription.receivesUpdates, signerLang: subscription.lang };
}

/** The signer (or their mail provider, in one click) stops update mail for this letter. Doing it twice is doing it once. */
export async function unsubscribe(ctx: Context, token: string): Promise<UnsubscribeView> {
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    const subscription = await stopUpdates(tx, token, now);
    return { letter: await findLetterById(tx, subscription.letterId), receivesUpdates: false, signerLang: subscription.lang };
  });
}

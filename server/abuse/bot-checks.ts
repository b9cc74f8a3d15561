import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from '../context.js';

/*
 * The sign form carries a stamp of when it was shown: the time, signed with the server's secret
 * together with the letter's slug. Nothing is stored; a bot that posts without loading the page,
 * or faster than a person can type, or replays an old stamp, is recognised by the stamp alone.
 */

/** A page left open for longer is sent again by its reader: the check-your-email page says to sign again if no mail comes. */
const STAMP_MAX_AGE_MS = 24 * 60 * 60 * 1000;

const stampMac = (secret: string, slug: string, issuedAt: number): Buffer =>
  createHmac('sha256', secret).update(`sign-form-stamp\n${slug}\n${issuedAt}`).digest();

/**
 * Stamps carry the time to the second, and the last one made per letter is reused within that
 * second: under a surge of page views that is one HMAC a second instead of one per view. The
 * time is rounded up, so a stamp never looks older than it is and the minimum wait stays whole.
 */
const recentStamps = new Map<string, { second: number; stamp: string }>();

function issueFormStamp(ctx: Context, slug: string): string {
  const second = Math.floor(ctx.now().getTime() / 1000);
  const key = `${ctx.config.sessionSecret}\n${slug}`;
  const recent = recentStamps.get(key);
  if (recent?.second === second) return recent.stamp;
  const issuedAt = (second + 1) * 1000;
  const stamp = `${issuedAt.toString(36)}.${stampMac(ctx.config.sessionSecret, slug, issuedAt).toString('base64url')}`;
  if (recentStamps.size >= 1000) recentStamps.clear();
  recentStamps.set(key, { second, stamp });
  return stamp;
}

type StampVerdict = 'valid' | 'missing' | 'forged' | 'too_fast' | 'expired';

function checkFormStamp(ctx: Context, slug: string, stamp: string): StampVerdict {
  if (!stamp) return 'missing';
  const match = /^([0-9a-z]{1,10})\.([A-Za-z0-9_-]{43})$/.exec(stamp);
  if (!match?.[1] || !match[2]) return 'forged';
  const issuedAt = parseInt(match[1], 36);
  const given = Buffer.from(match[2], 'base64url');
  const expected = stampMac(ctx.config.sessionSecret, slug, issuedAt);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'forged';
  const ageMs = ctx.now().getTime() - issuedAt;
  if (ageMs > STAMP_MAX_AGE_MS) return 'expired';
  if (ageMs < ctx.config.signMinSeconds * 1000) return 'too_fast';
  return 'valid';
}

/**
 * The stamp for a sign form: a new one for a fresh page; for a form sent back with errors, the
 * one it came with if that is genuine and current (a person correcting a typo quickly must not
 * be taken for a bot, nor made to wait again).
 */
export function formStampFor(ctx: Context, slug: string, submitted = ''): string {
  const verdict = checkFormStamp(ctx, slug, submitted);
  return verdict === 'valid' || verdict === 'too_fast' ? submitted : issueFormStamp(ctx, slug);
}

export interface FormSubmission {
  slug: string;
  honeypot: string;
  stamp: string;
}

function botReason(ctx: Context, submission: FormSubmission): string | undefined {
  if (submission.honeypot !== '') return 'honeypot';
  if (ctx.config.signMinSeconds === 0) return undefined;
  const verdict = checkFormStamp(ctx, submission.slug, submission.stamp);
  return verdict === 'valid' ? undefined : `stamp_${verdict}`;
}

/**
 * Whether a sign-form submission was made by a bot. The caller answers it exactly as it answers a
 * person ("check your email"), so a bot learns nothing, and stores and sends nothing.
 */
export function isBotSubmission(ctx: Context, submission: FormSubmission): boolean {
  const reason = botReason(ctx, submission);
  if (reason) ctx.logger.info({ letter: submission.slug, reason }, 'discarded an automated signing');
  return reason !== undefined;
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from '../context.js';

/*
 * The sign form carries a stamp of when it was shown and of which version of the letter's text it
 * showed: both signed with the server's secret together with the letter's slug. Nothing is stored;
 * a bot that posts without loading the page, or faster than a person can type, is recognised by the
 * stamp alone, and a signature is bound to the text its signer read.
 */

/** A page left open for longer gets its form back with a request to send it again. */
export const STAMP_MAX_AGE_MS = 24 * 60 * 60 * 1000;

const stampMac = (secret: string, slug: string, issuedAt: number, versionId: number): Buffer =>
  createHmac('sha256', secret).update(`sign-form-stamp\n${slug}\n${issuedAt}\n${versionId}`).digest();

/** The stamp of pages made before stamps named the version: still genuine, but too old to bind a signature to a text. */
const versionlessStampMac = (secret: string, slug: string, issuedAt: number): Buffer =>
  createHmac('sha256', secret).update(`sign-form-stamp\n${slug}\n${issuedAt}`).digest();

/**
 * Stamps carry the time to the second, and the last one made per letter and version is reused
 * within that second: under a surge of page views that is one HMAC a second instead of one per
 * view. The time is rounded up, so a stamp never looks older than it is and the minimum wait stays whole.
 */
const recentStamps = new Map<string, { second: number; stamp: string }>();

function issueFormStamp(ctx: Context, slug: string, versionId: number): string {
  const second = Math.floor(ctx.now().getTime() / 1000);
  const key = `${ctx.config.sessionSecret}\n${slug}\n${versionId}`;
  const recent = recentStamps.get(key);
  if (recent?.second === second) return recent.stamp;
  const stamp = stampOf(ctx, slug, (second + 1) * 1000, versionId);
  if (recentStamps.size >= 1000) recentStamps.clear();
  recentStamps.set(key, { second, stamp });
  return stamp;
}

const stampOf = (ctx: Context, slug: string, issuedAt: number, versionId: number): string =>
  `${issuedAt.toString(36)}.${versionId.toString(36)}.${stampMac(ctx.config.sessionSecret, slug, issuedAt, versionId).toString('base64url')}`;

type StampVerdict = { verdict: 'missing' | 'forged' | 'expired' } | { verdict: 'valid' | 'too_fast'; versionId: number };

const sameMac = (given: Buffer, expected: Buffer): boolean => given.length === expected.length && timingSafeEqual(given, expected);

function checkFormStamp(ctx: Context, slug: string, stamp: string): StampVerdict {
  if (!stamp) return { verdict: 'missing' };
  const versionless = /^([0-9a-z]{1,10})\.([A-Za-z0-9_-]{43})$/.exec(stamp);
  if (versionless?.[1] && versionless[2]) {
    const genuine = sameMac(Buffer.from(versionless[2], 'base64url'), versionlessStampMac(ctx.config.sessionSecret, slug, parseInt(versionless[1], 36)));
    return { verdict: genuine ? 'expired' : 'forged' };
  }
  const match = /^([0-9a-z]{1,10})\.([0-9a-z]{1,10})\.([A-Za-z0-9_-]{43})$/.exec(stamp);
  if (!match?.[1] || !match[2] || !match[3]) return { verdict: 'forged' };
  const issuedAt = parseInt(match[1], 36);
  const versionId = parseInt(match[2], 36);
  if (!sameMac(Buffer.from(match[3], 'base64url'), stampMac(ctx.config.sessionSecret, slug, issuedAt, versionId))) return { verdict: 'forged' };
  const ageMs = ctx.now().getTime() - issuedAt;
  if (ageMs > STAMP_MAX_AGE_MS) return { verdict: 'expired' };
  if (ageMs < ctx.config.signMinSeconds * 1000) return { verdict: 'too_fast', versionId };
  return { verdict: 'valid', versionId };
}

/** The stamp for a fresh sign form showing `versionId`. */
export const formStampFor = (ctx: Context, slug: string, versionId: number): string => issueFormStamp(ctx, slug, versionId);

/**
 * The stamp for a sign form given back to a person (a field to correct, a page open too long, a
 * text that changed): dated SIGN_MIN_SECONDS back, so sending it again at once is never taken for
 * a bot. The person has spent that long on the form already. A client can get such a stamp by
 * first sending a form with an error; the minimum wait is only ever a trap for the crudest bots.
 */
export function givenBackFormStamp(ctx: Context, slug: string, versionId: number): string {
  const second = Math.floor(ctx.now().getTime() / 1000);
  return stampOf(ctx, slug, (second - ctx.config.signMinSeconds) * 1000, versionId);
}

export interface FormSubmission {
  slug: string;
  honeypot: string;
  stamp: string;
}

/**
 * What a sign-form submission's traps say:
 * - `bot`: answered exactly as a person is ("check your email"), so a bot learns nothing; nothing is stored or sent;
 * - `expired`: a genuine form left open longer than a stamp lasts; the person is asked to send it again;
 * - `person`: with the version of the text the form showed (undefined only when bot checks are
 *   off and the client sent no stamp: scripted clients sign the current text).
 */
export type SubmissionCheck = { outcome: 'bot' } | { outcome: 'expired' } | { outcome: 'person'; versionId: number | undefined };

export function checkSubmission(ctx: Context, submission: FormSubmission): SubmissionCheck {
  const botChecks = ctx.config.signMinSeconds > 0;
  const bot = (reason: string): SubmissionCheck => {
    ctx.logger.info({ letter: submission.slug, reason }, 'discarded an automated signing');
    return { outcome: 'bot' };
  };
  if (submission.honeypot !== '') return bot('honeypot');
  const checked = checkFormStamp(ctx, submission.slug, submission.stamp);
  switch (checked.verdict) {
    case 'expired':
      return { outcome: 'expired' };
    case 'valid':
      return { outcome: 'person', versionId: checked.versionId };
    case 'too_fast':
      return botChecks ? bot('stamp_too_fast') : { outcome: 'person', versionId: checked.versionId };
    case 'missing':
    case 'forged':
      return botChecks ? bot(`stamp_${checked.verdict}`) : { outcome: 'person', versionId: undefined };
  }
}

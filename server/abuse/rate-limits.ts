import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import type { Context } from '../context.js';
import { parseEmailAddress } from '../lib/email-address.js';
import { AppError } from '../web/errors.js';
import { textValue } from '../web/forms.js';
import { param } from '../web/params.js';
import { findPublicLetterOnce, isAcceptingSignatures } from '../letters/index.js';
import { clientRateKey, countHits, hitOf, hitsOf, overLimit, rateWindow, takeBackHits, waitMs, type Counted, type Hit, type RateWindow } from './counters.js';

/*
 * Request rate limits, counted in the database (rate_counters, see counters.ts) so that every
 * process behind one reverse proxy keeps the same count, on the wall clock. Addresses come from
 * req.ip, so TRUST_PROXY decides whether X-Forwarded-For is believed. Each limit of 0 is off.
 * Over a limit, the central error handler answers 429 with Retry-After and a page that says how
 * long to wait.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface RateLimits {
  /**
   * Signing: per client address (per minute and per hour) and per letter and email domain, all
   * counted in one statement. Needs the parsed form body (the domain is the submitted address's).
   */
  signing: RequestHandler[];
  /**
   * Confirm and withdraw links that fail (unknown, expired), per client address: guessing tokens.
   * An error handler for the token routes: every link is looked up, so a valid one always works,
   * whoever shares its address; only failed look-ups count, and past the limit they answer 429.
   */
  failedTokenLookups: ErrorRequestHandler[];
}

const waitMessage = (seconds: number): string => {
  const minutes = Math.ceil(seconds / 60);
  return minutes <= 1 ? 'Please wait a minute and try again.' : `Please wait about ${minutes} minutes and try again.`;
};

/** What a limit says, in English and by catalogue key (README "Languages"). */
const EXPLANATIONS = {
  address: 'Too many signatures have been sent from your connection.',
  domain: 'Too many people have signed this letter with addresses at your email domain in the last hour.',
  tokens: 'Too many links that do not work have been tried from your connection.',
} as const;

const rateLimited = (reason: keyof typeof EXPLANATIONS, waitingMs: number): AppError => {
  const retryAfterSeconds = Math.max(1, Math.ceil(waitingMs / 1000));
  const details = { retryAfterSeconds, messageKeys: [`errors.rate_limited_${reason}`, 'errors.wait'], count: Math.ceil(retryAfterSeconds / 60) };
  return new AppError('rate_limited', 429, `${EXPLANATIONS[reason]} ${waitMessage(retryAfterSeconds)}`, details);
};

/** The letter and the domain of the submitted address; undefined when the handler will refuse the request anyway. */
async function letterEmailDomain(ctx: Context, req: Request): Promise<string | undefined> {
  const address = parseEmailAddress(textValue((req.body as Record<string, unknown> | undefined)?.email) ?? '');
  if (!address) return undefined;
  try {
    // Only letters open for signing get a counter, so made-up slugs cannot fill the table.
    const letter = await findPublicLetterOnce(ctx.db, req, param(req, 'slug'));
    return isAcceptingSignatures(letter, ctx.now()) ? `${letter.id}:${address.domain}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the hits back once the answer turns out to be an error. A client that hangs up before the
 * answer keeps its hit: its signature may be stored already (the answer waits for SIGN_RESPONSE_MS),
 * and taking it back let one address sign without limit by dropping every connection early.
 */
function takeBackUnlessAnswered(ctx: Context, res: Response, counted: Counted[]): void {
  let done = false;
  const takeBack = () => {
    if (done) return;
    done = true;
    const now = Date.now();
    // A window that ended meanwhile is a new one: nothing of it to take back.
    const running = counted.filter((hit) => hit.resetAt > now);
    takeBackHits(ctx.db, running, now).catch((error: unknown) => ctx.logger.warn({ err: error }, 'could not take back a rate-limit hit'));
  };
  res.once('finish', () => {
    if (res.statusCode >= 400) takeBack();
  });
}

const defined = (window: RateWindow | undefined): window is RateWindow => window !== undefined;

function signingLimits(ctx: Context): RequestHandler[] {
  const { config } = ctx;
  const perAddress = [rateWindow('sign-minute', config.signLimitPerMinute, MINUTE), rateWindow('sign-hour', config.signLimitPerHour, HOUR)].filter(defined);
  const perDomain = rateWindow('sign-domain', config.signLimitPerDomainPerHour, HOUR);
  if (perAddress.length === 0 && !perDomain) return [];
  let warnedAboutProxy = false;
  return [
    async (req, res, next) => {
      if (!warnedAboutProxy && config.trustProxy === false && req.headers['x-forwarded-for'] !== undefined) {
        warnedAboutProxy = true;
        ctx.logger.warn('a request came with X-Forwarded-For but TRUST_PROXY is off: every client behind a reverse proxy shares its address and its signing limit');
      }
      const address = ipKeyGenerator(req.ip ?? 'unknown');
      const domain = perDomain ? await letterEmailDomain(ctx, req) : undefined;
      const hits: Hit[] = [...hitsOf(config.sessionSecret, perAddress, address), ...(perDomain && domain ? [hitOf(config.sessionSecret, perDomain, domain)] : [])];
      if (hits.length === 0) return next();
      const now = Date.now();
      const counted = await countHits(ctx.db, hits, now);
      // A form sent back with errors does not count, nor does a refused one: correcting a typo must not lock a person out.
      takeBackUnlessAnswered(ctx, res, counted);
      const over = overLimit(counted);
      if (over.length === 0) return next();
      next(rateLimited(over.some((hit) => hit.window !== perDomain) ? 'address' : 'domain', waitMs(over, now)));
    },
  ];
}

export function createRateLimits(ctx: Context): RateLimits {
  return { signing: signingLimits(ctx), failedTokenLookups: failedTokenLookups(ctx) };
}

const FAILED_LOOKUPS = new Set(['token_unknown', 'token_expired']);

function failedTokenLookups(ctx: Context): ErrorRequestHandler[] {
  const { tokenLimitPerHour, sessionSecret } = ctx.config;
  const window = rateWindow('token-failures', tokenLimitPerHour, HOUR);
  if (!window) return [];
  return [
    (error, req, _res, next) => {
      if (!(error instanceof AppError) || !FAILED_LOOKUPS.has(error.id)) return next(error);
      const now = Date.now();
      countHits(ctx.db, [hitOf(sessionSecret, window, clientRateKey(req.ip, sessionSecret))], now).then((counted) => {
        const waiting = waitMs(counted, now);
        next(waiting === 0 ? error : rateLimited('tokens', waiting));
      }, next);
    },
  ];
}

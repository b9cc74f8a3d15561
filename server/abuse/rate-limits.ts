import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { rateLimit, type Options } from 'express-rate-limit';
import type { Context } from '../context.js';
import { parseEmailAddress } from '../lib/email-address.js';
import { AppError } from '../web/errors.js';
import { clientRateKey, FailureWindow } from './failure-window.js';
import { textValue } from '../web/forms.js';
import { param } from '../web/params.js';
import { findPublicLetter, isAcceptingSignatures } from '../letters/index.js';

/*
 * Request rate limits, counted in memory per process (express-rate-limit's MemoryStore, on the
 * wall clock). Addresses come from req.ip, so TRUST_PROXY decides whether X-Forwarded-For is
 * believed. Each limit of 0 is off. Over a limit, the central error handler answers 429 with
 * Retry-After and a page that says how long to wait.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface RateLimits {
  /** Signing, per client address (per minute and per hour). */
  signingPerAddress: RequestHandler[];
  /** Signing one letter with addresses at one email domain; needs the parsed form body. */
  signingPerEmailDomain: RequestHandler[];
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

function limiter(ctx: Context, limit: number, windowMs: number, explanation: string, options: Partial<Options> = {}): RequestHandler[] {
  if (limit === 0) return [];
  // express-rate-limit reports misconfiguration (e.g. X-Forwarded-For without TRUST_PROXY) here.
  const log = (error: unknown, message?: string) => ctx.logger.warn({ err: error }, message ?? 'rate limiter');
  return [
    rateLimit({
      windowMs,
      limit,
      standardHeaders: false,
      legacyHeaders: false,
      logger: { error: log, warn: log },
      handler: (req, _res, next) => {
        const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
        const retryAfterSeconds = Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + windowMs) - Date.now()) / 1000));
        next(new AppError('rate_limited', 429, `${explanation} ${waitMessage(retryAfterSeconds)}`, { retryAfterSeconds }));
      },
      ...options,
    }),
  ];
}

/** The letter and the domain of the submitted address; undefined when the handler will refuse the request anyway. */
async function letterEmailDomain(ctx: Context, req: Request): Promise<string | undefined> {
  const address = parseEmailAddress(textValue((req.body as Record<string, unknown> | undefined)?.email) ?? '');
  if (!address) return undefined;
  try {
    // Only letters open for signing get a counter, so made-up slugs cannot fill the store.
    const letter = await findPublicLetter(ctx.db, param(req, 'slug'));
    return isAcceptingSignatures(letter, ctx.now()) ? `${letter.id}:${address.domain}` : undefined;
  } catch {
    return undefined;
  }
}

export function createRateLimits(ctx: Context): RateLimits {
  const { config } = ctx;
  const tooManySignatures = 'Too many signatures have been sent from your connection.';
  // A form sent back with errors does not count: correcting a typo must not lock a person out.
  const countSuccessesOnly = { skipFailedRequests: true };
  const domainKeys = new WeakMap<Request, Promise<string | undefined>>();
  const domainKey = (req: Request): Promise<string | undefined> => {
    let key = domainKeys.get(req);
    if (!key) {
      key = letterEmailDomain(ctx, req);
      domainKeys.set(req, key);
    }
    return key;
  };
  return {
    signingPerAddress: [
      ...limiter(ctx, config.signLimitPerMinute, MINUTE, tooManySignatures, countSuccessesOnly),
      ...limiter(ctx, config.signLimitPerHour, HOUR, tooManySignatures, countSuccessesOnly),
    ],
    signingPerEmailDomain: limiter(ctx, config.signLimitPerDomainPerHour, HOUR, 'Too many people have signed this letter with addresses at your email domain in the last hour.', {
      ...countSuccessesOnly,
      skip: async (req) => (await domainKey(req)) === undefined,
      keyGenerator: async (req) => (await domainKey(req)) ?? '',
    }),
    failedTokenLookups: failedTokenLookups(ctx),
  };
}

const FAILED_LOOKUPS = new Set(['token_unknown', 'token_expired']);

function failedTokenLookups(ctx: Context): ErrorRequestHandler[] {
  const { tokenLimitPerHour, sessionSecret } = ctx.config;
  if (tokenLimitPerHour === 0) return [];
  const failures = new FailureWindow(tokenLimitPerHour, HOUR);
  return [
    (error, req, _res, next) => {
      if (!(error instanceof AppError) || !FAILED_LOOKUPS.has(error.id)) return next(error);
      const key = clientRateKey(req.ip, sessionSecret);
      const now = Date.now();
      const waitMs = failures.waitMs(key, now);
      failures.record(key, now);
      if (waitMs === 0) return next(error);
      const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
      next(new AppError('rate_limited', 429, `Too many links that do not work have been tried from your connection. ${waitMessage(retryAfterSeconds)}`, { retryAfterSeconds }));
    },
  ];
}

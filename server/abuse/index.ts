/**
 * Abuse controls: sign-up rate limits, bot checks, disposable and famous-name screening, block rules
 * made by moderators, and the counters (shared through the database) behind rate limits and sign-in throttles.
 *
 * Other modules import only from this file (or a *-command.ts file); see README "Where things are".
 */
// re-exports
export { forgetIpHashRules, matchingBlockRule } from './block-rules.js';
export { checkSubmission, formStampFor, givenBackFormStamp } from './bot-checks.js';
export { isDisposableEmailDomain } from './disposable-email.js';
export { changeCounters, clientRateKey, countHits, hitOf, hitsSoFar, pruneRateCounters, rateWindow, takeBackHits, waitMs, type Hit, type RateWindow } from './counters.js';
export { famousNameHold } from './famous-names.js';
export { createRateLimits } from './rate-limits.js';
export { answerNoSoonerThan } from './response-timing.js';

import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Starts a clock for a response whose timing must not depend on what the server found: call at
 * the start of the handler, await the result just before answering. The answer then leaves no
 * sooner than `minimumMs` after the start, however little work this request needed (a new
 * signature is written and mailed; an address that was rejected gets nothing), so response time
 * does not tell an observer whether an address has signed. 0 turns it off.
 */
export function answerNoSoonerThan(minimumMs: number): () => Promise<void> {
  const deadline = performance.now() + minimumMs;
  return async () => {
    // Timers may fire a fraction of a millisecond early; loop until the deadline has truly passed.
    for (let remaining = deadline - performance.now(); remaining > 0; remaining = deadline - performance.now()) {
      await sleep(Math.ceil(remaining));
    }
  };
}

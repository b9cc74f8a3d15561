import { availableParallelism } from 'node:os';

/**
 * Bounds the password hashing that sign-in attempts cause. Each scrypt run at OWASP cost takes
 * 128 MiB and a CPU for up to a second on libuv's small thread pool, which file reads share:
 * twenty attempts at once would hold every thread and core. At most `running` hashes run at
 * once and `waiting` more wait for a turn; past that an attempt is refused at once (429), before
 * any work, so the answer says nothing about the account.
 */
export interface HashingQueue {
  /** A turn to hash, resolved when it is this attempt's; undefined when the queue is full. Call the release function when done. */
  enter(): Promise<() => void> | undefined;
}

export const DEFAULT_HASHING = { running: Math.max(1, Math.floor(availableParallelism() / 2)), waiting: 8 };

export function createHashingQueue(limits: { running: number; waiting: number } = DEFAULT_HASHING): HashingQueue {
  let running = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  };
  return {
    enter() {
      if (running < limits.running) {
        running += 1;
        return Promise.resolve(once(release));
      }
      if (waiting.length >= limits.waiting) return undefined;
      return new Promise((resolve) => waiting.push(() => resolve(once(release))));
    },
  };
}

function once(release: () => void): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    release();
  };
}

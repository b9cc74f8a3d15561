import { availableParallelism } from 'node:os';

/**
 * Bounds the password hashing that sign-in attempts cause. Each scrypt run at OWASP cost takes
 * 128 MiB and a CPU for up to a second on libuv's small thread pool, which file reads share:
 * twenty attempts at once would hold every thread and core. At most `running` hashes run at
 * once and `waiting` more wait for a turn; past that an attempt is refused at once (429), before
 * any work, so the answer says nothing about the account.
 *
 * Two things keep a flood of guesses from locking the owner out: one address holds at most
 * `perSource` of those places at once, and attempts from a device the account signed in from
 * (see device-cookies.ts) have places of their own, `reserved`, that others cannot take.
 */
export interface HashingQueue {
  /** A turn to hash, resolved when it is this attempt's; undefined when there is no place. Call the release function when done. */
  enter(attempt: { source: string; knownDevice: boolean }): Promise<() => void> | undefined;
}

interface Places {
  running: number;
  waiting: number;
}

export interface HashingLimits extends Places {
  perSource: number;
  reserved: Places;
}

export const DEFAULT_HASHING: HashingLimits = {
  running: Math.max(1, Math.floor(availableParallelism() / 2)),
  waiting: 8,
  perSource: 2,
  reserved: { running: 1, waiting: 4 },
};

export function createHashingQueue(limits: HashingLimits = DEFAULT_HASHING): HashingQueue {
  const everyone = boundedTurns(limits);
  const knownDevices = boundedTurns(limits.reserved);
  const heldBySource = new Map<string, number>();
  return {
    enter({ source, knownDevice }) {
      if (knownDevice) return knownDevices();
      const held = heldBySource.get(source) ?? 0;
      if (held >= limits.perSource) return undefined;
      const turn = everyone();
      if (!turn) return undefined;
      heldBySource.set(source, held + 1);
      const leave = () => {
        const left = (heldBySource.get(source) ?? 1) - 1;
        if (left > 0) heldBySource.set(source, left);
        else heldBySource.delete(source);
      };
      return turn.then((release) => once(() => {
        leave();
        release();
      }));
    },
  };
}

/** `running` turns at once and `waiting` in line, first come first served; nothing past that. */
function boundedTurns(places: Places): () => Promise<() => void> | undefined {
  let running = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  };
  return () => {
    if (running < places.running) {
      running += 1;
      return Promise.resolve(once(release));
    }
    if (waiting.length >= places.waiting) return undefined;
    return new Promise((resolve) => waiting.push(() => resolve(once(release))));
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

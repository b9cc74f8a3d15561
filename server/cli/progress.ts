export interface ProgressLine {
  /** Reports the count so far; cheap enough to call for every row. */
  update(count: number): void;
  /** Ends the line with a final message. */
  done(message: string): void;
}

export interface ProgressOptions {
  /** Shortest time between two updates on a terminal. */
  intervalMs?: number;
  /** Off a terminal (logs, pipes) nothing is printed until a run has lasted this long, then a line this often. */
  quietMs?: number;
  clock?: () => number;
}

/**
 * A progress line on stderr: on a terminal it is rewritten in place at most every ~250 ms;
 * elsewhere only long runs print, one plain line every few seconds, so logs stay readable.
 */
export function progressLine(stream: NodeJS.WritableStream & { isTTY?: boolean }, describe: (count: number) => string, options: ProgressOptions = {}): ProgressLine {
  const clock = options.clock ?? Date.now;
  const interactive = stream.isTTY === true;
  const interval = interactive ? (options.intervalMs ?? 250) : (options.quietMs ?? 5000);
  let nextAt = clock() + interval;
  let drawn = false;
  return {
    update(count) {
      const at = clock();
      if (at < nextAt) return;
      nextAt = at + interval;
      stream.write(interactive ? `\r${describe(count)}` : `${describe(count)}\n`);
      drawn = interactive;
    },
    done(message) {
      stream.write(`${drawn ? '\r\x1b[K' : ''}${message}\n`);
    },
  };
}

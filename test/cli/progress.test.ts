import { describe, expect, it } from 'vitest';
import { progressLine } from '../../server/cli/progress.js';

function fakeStderr(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (text: string) => writes.push(text) > 0 } as unknown as NodeJS.WritableStream & { isTTY: boolean } };
}

describe('the progress line', () => {
  it('when stderr is a terminal, then the line is redrawn at most every 250 ms and cleared at the end', () => {
    let now = 0;
    const { writes, stream } = fakeStderr(true);
    const progress = progressLine(stream, (count) => `${count} rows`, { clock: () => now });
    for (const [at, count] of [[0, 1], [100, 2], [249, 3], [250, 4], [300, 5], [499, 6], [520, 7]] as const) {
      now = at;
      progress.update(count);
    }
    progress.done('7 rows written');
    expect(writes).toEqual(['\r4 rows', '\r7 rows', '\r\x1b[K7 rows written\n']);
  });

  it('when stderr is not a terminal, then only a long run prints, one plain line every few seconds', () => {
    let now = 0;
    const { writes, stream } = fakeStderr(false);
    const progress = progressLine(stream, (count) => `${count} rows`, { clock: () => now });
    for (let at = 0; at <= 11_000; at += 250) {
      now = at;
      progress.update(at);
    }
    progress.done('done');
    expect(writes).toEqual(['5000 rows\n', '10000 rows\n', 'done\n']);
  });
});

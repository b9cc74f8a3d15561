import { describe, expect, it } from 'vitest';
import { createRestartGuard } from '../server/web-processes.js';

describe('the restart guard of the web processes', () => {
  it('when workers keep dying before or within seconds of listening, then the fifth death in a row is not replaced', () => {
    const guard = createRestartGuard({ quickExitMs: 10_000, maxQuickExits: 5 });
    expect([undefined, 500, undefined, 9_999, undefined].map((listened) => guard.shouldReplace(listened))).toEqual([true, true, true, true, false]);
  });

  it('when a worker that served longer dies between quick deaths, then the count starts again', () => {
    const guard = createRestartGuard({ quickExitMs: 10_000, maxQuickExits: 3 });
    expect([undefined, 500, 60_000, undefined, 500, undefined].map((lived) => guard.shouldReplace(lived))).toEqual([true, true, true, true, true, false]);
  });
});

/** A clock tests move by hand, for expiry, back-off and retention. */
export class TestClock {
  private current: number;
  constructor(start = Date.parse('2026-11-01T09:00:00Z')) {
    this.current = start;
  }
  now = (): Date => new Date(this.current);
  advance(ms: number): void {
    this.current += ms;
  }
  advanceDays(days: number): void {
    this.advance(days * 24 * 60 * 60 * 1000);
  }
}

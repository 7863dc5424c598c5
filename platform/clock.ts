/** The last instant the clock may show: the end of year 9999. */
export const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** The platform's clock. Tests move it forward to expire tokens without waiting. */
export class PlatformClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance() takes a non-negative number of milliseconds');
    if (ms > this.room()) throw new RangeError(`advance() may move the clock at most ${this.room()} ms, to ${new Date(LATEST).toISOString()}`);
    this.offsetMs += ms;
  }

  /** How far the clock may still move: dates past LATEST have no ISO form that every reader parses (year 10000). */
  room(): number {
    return Math.max(0, LATEST - this.now());
  }

  reset(): void {
    this.offsetMs = 0;
  }
}

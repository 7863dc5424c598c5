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
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}

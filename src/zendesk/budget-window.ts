/**
 * The times of the requests one caller made, to answer "how many in the last `windowMs`" exactly.
 * A sliding window, not a token bucket: a token bucket lets a full bucket burst on top of a
 * window's worth of requests, and Zendesk counts per window (ZENDESK_API.md 2.2).
 */
export class SlidingWindow {
  private times: number[] = [];
  private head = 0;

  constructor(readonly windowMs: number) {}

  /** Requests recorded in (now - windowMs, now]. */
  count(now: number): number {
    this.drop(now);
    return this.times.length - this.head;
  }

  /** The earliest time at which fewer than `allowed` requests lie in the window. */
  freeAt(now: number, allowed: number): number {
    const inWindow = this.count(now);
    if (inWindow < allowed) return now;
    // The request `allowed` places from the newest must leave the window first.
    const blocking = this.times[this.times.length - allowed] ?? now;
    return blocking + this.windowMs;
  }

  record(now: number): void {
    this.times.push(now);
  }

  /** Whether nothing recorded is still inside the window (the window can be forgotten). */
  isEmpty(now: number): boolean {
    return this.count(now) === 0;
  }

  private drop(now: number): void {
    const cutoff = now - this.windowMs;
    while (this.head < this.times.length && (this.times[this.head] ?? now) <= cutoff) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}

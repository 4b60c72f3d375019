/**
 * What one caller used of a limit that Zendesk counts per window: answers "how much was used in
 * the last `windowMs`" exactly. A sliding window, not a token bucket: a token bucket lets a full
 * bucket burst on top of a window's worth of requests, and Zendesk counts per window
 * (ZENDESK_API.md 2.2).
 *
 * Zendesk counts a request when it arrives, which is some time after Hush let it go. So a request
 * stays in the window while it is in flight and leaves `windowMs` after its response came (settle),
 * not after it was sent: every request Zendesk can count in one of its windows is then still in
 * Hush's window when Hush lets the next one go, whatever the latency. A request that is never
 * settled (a caller that forgot to) leaves after `maxInFlightMs + windowMs` instead of blocking for
 * ever.
 */
export class SlidingWindow {
  /** Answered requests, in the order they were answered (so by `leaveAt`). */
  private settled: { leaveAt: number; cost: number }[] = [];
  private head = 0;
  /** Requests let go and not answered yet, in the order they were let go. */
  private inFlight: { sentAt: number; cost: number }[] = [];
  private used = 0;

  constructor(
    readonly windowMs: number,
    private readonly maxInFlightMs: number = 10 * windowMs,
  ) {}

  /** What is in the window at `now`: requests in flight and those answered in (now - windowMs, now]. */
  count(now: number): number {
    this.drop(now);
    return this.used;
  }

  /** The earliest time at which `cost` more fits within `allowed`; a cost above `allowed` waits for an empty window. */
  freeAt(now: number, allowed: number, cost = 1): number {
    const need = Math.min(cost, allowed);
    let used = this.count(now);
    if (used + need <= allowed) return now;
    // Walk the leave times in order (two sorted lists, merged) until enough has left.
    let s = this.head;
    let f = 0;
    for (;;) {
      const settled = this.settled[s];
      const flying = this.inFlight[f];
      const flyingLeaves = flying ? this.abandonedAt(flying.sentAt) : Number.POSITIVE_INFINITY;
      if (!settled && !flying) return now;
      let leaveAt: number;
      if (settled && settled.leaveAt <= flyingLeaves) {
        leaveAt = settled.leaveAt;
        used -= settled.cost;
        s++;
      } else {
        leaveAt = flyingLeaves;
        used -= flying?.cost ?? 0;
        f++;
      }
      if (used + need <= allowed) return leaveAt;
    }
  }

  /** A request let go now; it counts until settle() and `windowMs` after. */
  record(now: number, cost = 1): void {
    this.inFlight.push({ sentAt: now, cost });
    this.used += cost;
  }

  /**
   * A response (or a failure) came for a request of this cost: the oldest such request in flight
   * leaves the window `windowMs` from now. Which one does not matter: only how many were answered
   * when does.
   */
  settle(now: number, cost = 1): void {
    let at = this.inFlight.findIndex((r) => r.cost === cost);
    if (at < 0) at = this.inFlight.length > 0 ? 0 : -1;
    const [request] = at < 0 ? [] : this.inFlight.splice(at, 1);
    if (!request) return;
    this.settled.push({ leaveAt: now + this.windowMs, cost: request.cost });
  }

  /** Whether nothing is in the window any more (the window can be forgotten). */
  isEmpty(now: number): boolean {
    return this.count(now) === 0;
  }

  get requestsInFlight(): number {
    return this.inFlight.length;
  }

  private abandonedAt(sentAt: number): number {
    return sentAt + this.maxInFlightMs + this.windowMs;
  }

  private drop(now: number): void {
    while (this.head < this.settled.length && (this.settled[this.head]?.leaveAt ?? now) <= now) {
      this.used -= this.settled[this.head]?.cost ?? 0;
      this.head++;
    }
    while (this.inFlight.length > 0 && this.abandonedAt(this.inFlight[0]?.sentAt ?? now) <= now) {
      this.used -= this.inFlight.shift()?.cost ?? 0;
    }
    if (this.head > 1024 && this.head * 2 > this.settled.length) {
      this.settled = this.settled.slice(this.head);
      this.head = 0;
    }
  }
}

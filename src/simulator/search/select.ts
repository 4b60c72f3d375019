/**
 * Keeps the first `k` items of a stream in `compare` order without sorting the whole stream: the
 * buffer is sorted and cut back to `k` whenever it reaches 2k, so memory stays O(k) and time
 * O(n log k) even when a million tickets match.
 */
export class FirstK<T> {
  private buffer: T[] = [];
  /** The k-th item after the last trim: anything not before it can never be in the result. */
  private worst: T | undefined;

  constructor(
    private readonly k: number,
    private readonly compare: (a: T, b: T) => number,
  ) {}

  push(item: T): void {
    if (this.k <= 0) return;
    if (this.worst !== undefined && this.compare(item, this.worst) >= 0) return;
    this.buffer.push(item);
    if (this.buffer.length >= Math.max(2 * this.k, 64)) this.trim();
  }

  result(): T[] {
    this.trim();
    return this.buffer;
  }

  private trim(): void {
    this.buffer.sort(this.compare);
    if (this.buffer.length >= this.k) {
      this.buffer.length = this.k;
      this.worst = this.buffer[this.k - 1];
    }
  }
}

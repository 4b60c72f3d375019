import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

// Deterministic randomness for the seed. Every record draws from its own stream, derived from
// (seed, stream, id), so that any ticket or user can be regenerated alone: that is what lets
// comments be produced lazily instead of being held in memory. Never Math.random.

type Generator = ReturnType<typeof xoroshiro128plus>;

/** A 32-bit finaliser (murmur3-style): consecutive ids give unrelated generator states. */
export function mix32(value: number): number {
  let x = value | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Stream names, so that two kinds of record with the same id never share randomness. */
export const Stream = {
  user: 0x51a7,
  ticket: 0x7ac3,
  comments: 0xc033,
  agent: 0xa9e7,
  organization: 0x0e9a,
} as const;

export class Rng {
  private readonly gen: Generator;

  constructor(seed: number, stream: number, id: number) {
    const mixed = mix32(mix32(seed ^ Math.imul(stream, 0x9e3779b1)) + Math.imul(id, 0x85ebca6b));
    this.gen = xoroshiro128plus(mixed | 0);
    // The first outputs of a fresh xoroshiro state still echo the seed; discard them.
    this.gen.next();
    this.gen.next();
  }

  /** A float in [0, 1). */
  float(): number {
    return (this.gen.next() >>> 0) / 0x1_0000_0000;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** An integer in [min, max], both included. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** A string of `length` random decimal digits (leading zeros allowed). */
  digits(length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += String.fromCharCode(48 + this.int(10));
    return out;
  }

  /** Picks a key of `weights` with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    let total = 0;
    for (const [, w] of entries) total += w;
    let roll = this.float() * total;
    for (const [key, w] of entries) {
      roll -= w;
      if (roll < 0) return key;
    }
    return entries[entries.length - 1]![0];
  }
}

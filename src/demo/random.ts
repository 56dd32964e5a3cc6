// A small seeded generator so `rapport demo --seed S` produces the same data every time.
// sfc32: fast, good enough statistically for demo data, and 32-bit integer only (no BigInt cost).

export function hashSeed(...parts: Array<string | number>): number {
  // FNV-1a over the joined parts; only used to derive independent seeds.
  let h = 0x811c9dc5;
  const s = parts.join('\u0000');
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Index drawn with the given cumulative weights (ascending, last = total). */
  pickCumulative(cumulative: readonly number[]): number {
    const x = this.next() * cumulative[cumulative.length - 1]!;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Number of events of a Poisson process with the given mean (Knuth; means here are small). */
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  private seq = -1;

  /**
   * A UUID from this generator whose first 48 bits count up from a random start, the rest random
   * (version-4 and variant bits set). Sequential keys append at the right edge of the primary-key
   * and contact_id indexes instead of touching a random page per row, which is what bulk loads
   * into big shared tables pay for.
   */
  uuid(): string {
    if (this.seq < 0) this.seq = this.u32() * 4096;
    const hi = Math.floor(this.seq / 65536);
    const lo = this.seq % 65536;
    this.seq++;
    const y = this.u32();
    const z = this.u32();
    const w = this.u32();
    return (
      HEX[(hi >>> 24) & 255]! + HEX[(hi >>> 16) & 255]! + HEX[(hi >>> 8) & 255]! + HEX[hi & 255]! + '-' +
      HEX[lo >>> 8]! + HEX[lo & 255]! + '-' +
      HEX[0x40 | ((y >>> 8) & 15)]! + HEX[y & 255]! + '-' +
      HEX[0x80 | ((z >>> 24) & 63)]! + HEX[(z >>> 16) & 255]! + '-' +
      HEX[(z >>> 8) & 255]! + HEX[z & 255]! + HEX[w >>> 24]! + HEX[(w >>> 16) & 255]! + HEX[(w >>> 8) & 255]! + HEX[w & 255]!
    );
  }
}

export function cumulative(weights: readonly number[]): number[] {
  let sum = 0;
  return weights.map((w) => (sum += w));
}

/**
 * A uniform sample of at most `size` values from a stream of unknown length (Li's Algorithm L):
 * it draws random numbers only when it replaces a value, so a sample of 5,000 out of 10 million
 * values costs a few tens of thousands of draws, not ten million. Seeded, so the same stream gives
 * the same sample.
 */
export class Reservoir {
  readonly #size: number;
  readonly #random: () => number;
  readonly #values: number[] = [];
  #seen = 0;
  #weight = 0;
  #nextReplace = 0;

  constructor(size: number, seed: number) {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`Sample size must be a non-negative integer, got ${size}`);
    this.#size = size;
    this.#random = seededRandom(seed);
  }

  offer(value: number): void {
    const index = this.#seen++;
    if (index < this.#size) {
      this.#values.push(value);
      if (index === this.#size - 1) this.#scheduleAfter(index, true);
      return;
    }
    if (index !== this.#nextReplace) return;
    this.#values[Math.floor(this.#random() * this.#size)] = value;
    this.#scheduleAfter(index, false);
  }

  /** Offers the finite values of a chunk, skipping NaN and infinities. */
  offerFinite(values: Float64Array): void {
    // Between replacements only the position moves, so the hot loop keeps it in locals and
    // takes the full path (a few thousand times per million values) only where a value is kept.
    const size = this.#size;
    let seen = this.#seen;
    let next = this.#nextReplace;
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      if (value - value !== 0) continue;
      if (seen >= size && seen !== next) {
        seen++;
        continue;
      }
      this.#seen = seen;
      this.offer(value);
      seen = this.#seen;
      next = this.#nextReplace;
    }
    this.#seen = seen;
  }

  /** Values offered so far. */
  get seen(): number {
    return this.#seen;
  }

  values(): number[] {
    return [...this.#values];
  }

  #scheduleAfter(index: number, first: boolean): void {
    const draw = Math.exp(Math.log(this.#positive()) / this.#size);
    this.#weight = first ? draw : this.#weight * draw;
    this.#nextReplace = index + Math.floor(Math.log(this.#positive()) / Math.log(1 - this.#weight)) + 1;
  }

  /** A draw in (0, 1): logarithms of zero would stall the schedule. */
  #positive(): number {
    let value = this.#random();
    while (value === 0) value = this.#random();
    return value;
  }
}

/** mulberry32 over a 32-bit seed: small, fast and good enough to pick sample positions. */
export function seededRandom(seed: number): () => number {
  let state = Math.floor(seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

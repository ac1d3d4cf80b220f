/**
 * Counts values into equal-width bins: `below` the first edge, `above` the last, and the last bin
 * closed on the right like numpy. Baseline and current batch both count through this class, so a
 * value exactly on an edge lands in the same bin on both sides. Non-finite values are not counted.
 */
export class BinCounter {
  /** Finite values counted. */
  finite = 0;
  readonly #low: number;
  readonly #high: number;
  readonly #width: number;
  readonly #slots: Float64Array;

  constructor(edges: readonly number[]) {
    if (edges.length < 2) throw new RangeError(`A histogram needs at least two edges, got ${edges.length}`);
    const bins = edges.length - 1;
    this.#low = edges[0]!;
    this.#high = edges[bins]!;
    this.#width = (this.#high - this.#low) / bins;
    // Slot 0 is below, slot bins + 1 above: one typed array keeps the hot loop free of branches on kind.
    this.#slots = new Float64Array(bins + 2);
  }

  get counts(): number[] {
    return Array.from(this.#slots.subarray(1, -1));
  }

  get below(): number {
    return this.#slots[0]!;
  }

  get above(): number {
    return this.#slots[this.#slots.length - 1]!;
  }

  addAll(values: Float64Array): void {
    const slots = this.#slots;
    const low = this.#low;
    const high = this.#high;
    const width = this.#width;
    const lastBin = slots.length - 2;
    const aboveSlot = slots.length - 1;
    let finite = 0;
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      // NaN and ±Infinity are the values for which v - v is not 0.
      if (value - value !== 0) continue;
      finite++;
      if (value < low) slots[0]!++;
      else if (value > high) slots[aboveSlot]!++;
      else slots[width > 0 ? Math.min(Math.floor((value - low) / width), lastBin - 1) + 1 : 1]!++;
    }
    this.finite += finite;
  }
}

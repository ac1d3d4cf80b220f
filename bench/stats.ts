/** The middle value; the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** `weir / baseline`, rounded for humans. */
export function ratio(measured: number, baseline: number): number {
  return round(measured / baseline, 2);
}

export function ms(value: number): string {
  return Number.isFinite(value) ? `${round(value, value >= 100 ? 0 : 1)} ms` : 'n/a';
}

/** Runs `action` and returns how long it took in milliseconds, with its result. */
export async function timed<T>(action: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await action();
  return { ms: performance.now() - start, value };
}

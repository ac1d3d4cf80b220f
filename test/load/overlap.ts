/** A stretch of time in epoch milliseconds, as a timed task reports it. */
export interface Interval {
  startedAt: number;
  endedAt: number;
}

/**
 * The largest number of intervals that were open at one instant. An interval that ends at the
 * very millisecond another starts does not overlap it: a freed slot is taken at once.
 */
export function maxOverlap(intervals: readonly Interval[]): number {
  const edges = intervals.flatMap((interval) => [
    { at: interval.startedAt, change: 1 },
    { at: interval.endedAt, change: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.change - b.change);
  let open = 0;
  let most = 0;
  for (const edge of edges) {
    open += edge.change;
    most = Math.max(most, open);
  }
  return most;
}

/** Graph algorithms over task ids; `needs` maps each task to its upstream tasks. */

/** Kahn's algorithm; ties keep declaration order so plans are stable. Returns null on a cycle. */
export function topologicalOrder(ids: readonly string[], needs: ReadonlyMap<string, readonly string[]>): string[] | null {
  const remaining = new Map(ids.map((id) => [id, new Set(needs.get(id) ?? [])]));
  const downstream = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const id of ids) for (const up of needs.get(id) ?? []) downstream.get(up)?.push(id);
  const ready = ids.filter((id) => remaining.get(id)?.size === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift() as string;
    order.push(id);
    for (const down of downstream.get(id) ?? []) {
      const waiting = remaining.get(down);
      waiting?.delete(id);
      if (waiting?.size === 0) ready.push(down);
    }
  }
  return order.length === ids.length ? order : null;
}

/** One cycle, as a path that starts and ends with the same task, or null when there is none. */
export function findCycle(ids: readonly string[], needs: ReadonlyMap<string, readonly string[]>): string[] | null {
  const color = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | null => {
    color.set(id, 'visiting');
    stack.push(id);
    for (const up of needs.get(id) ?? []) {
      if (!needs.has(up)) continue;
      const seen = color.get(up);
      if (seen === 'visiting') return [...stack.slice(stack.indexOf(up)), up];
      if (seen === undefined) {
        const cycle = visit(up);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    color.set(id, 'done');
    return null;
  };
  for (const id of ids) {
    if (color.has(id)) continue;
    const cycle = visit(id);
    // Walked along `needs` (upstream), so reverse to read in execution order.
    if (cycle) return cycle.reverse();
  }
  return null;
}

import { describe, expect, it } from 'vitest';
import { layoutLargeGraph, type LargeLayoutTask } from './large-graph-layout.ts';

const box = (id: string, needs: string[] = [], width = 70): LargeLayoutTask => ({ id, needs, width, height: 30 });

describe('layoutLargeGraph', () => {
  it('puts each layer in a column left to right, boxes of one column apart, and keeps the given order of boxes', () => {
    const tasks = [box('a'), box('b', ['a'], 200), box('c', ['a']), box('d', ['b', 'c']), box('lonely')];
    const layout = layoutLargeGraph(tasks);
    expect(layout.boxes.map((placed) => placed.id)).toEqual(['a', 'b', 'c', 'd', 'lonely']);
    const at = new Map(layout.boxes.map((placed) => [placed.id, placed]));
    for (const task of tasks) for (const upstream of task.needs) expect(at.get(task.id)!.x).toBeGreaterThanOrEqual(at.get(upstream)!.x + at.get(upstream)!.width);
    const [b, c] = [at.get('b')!, at.get('c')!];
    expect(b.y + b.height <= c.y || c.y + c.height <= b.y).toBe(true);
    for (const placed of layout.boxes) {
      expect(placed.x).toBeGreaterThanOrEqual(0);
      expect(placed.y).toBeGreaterThanOrEqual(0);
      expect(placed.x + placed.width).toBeLessThanOrEqual(layout.width);
      expect(placed.y + placed.height).toBeLessThanOrEqual(layout.height);
    }
  });

  it('keeps a long chain in consecutive columns when one late task also needs a root, and draws that root beside the late task', () => {
    const chain = Array.from({ length: 6 }, (_, i) => box(`c${i}`, i === 0 ? [] : [`c${i - 1}`]));
    const layout = layoutLargeGraph([...chain, box('late', ['c5', 'c0', 'lonely_root']), box('lonely_root'), box('short_end', ['c1'])]);
    const at = new Map(layout.boxes.map((placed) => [placed.id, placed]));
    const columnX = chain.map((task) => at.get(task.id)!.x);
    expect([...columnX].sort((p, q) => p - q)).toEqual(columnX);
    expect(new Set(columnX).size).toBe(6);
    expect(at.get('c0')!.x).toBe(Math.min(...layout.boxes.map((placed) => placed.x)));
    expect(at.get('short_end')!.x).toBe(at.get('c2')!.x);
    // Short edges, as ELK's default layering keeps them: the root that only `late` needs stands in the column before it.
    expect(at.get('lonely_root')!.x).toBe(at.get('c5')!.x);
  });

  it('draws each edge from the middle of the upstream box right side to the middle of the downstream box left side', () => {
    const layout = layoutLargeGraph([box('a'), box('b', ['a'], 120)]);
    const [a, b] = layout.boxes;
    expect(layout.edges).toEqual([{ from: 'a', to: 'b', points: [[a!.x + a!.width, a!.y + 15], [b!.x, b!.y + 15]] }]);
  });

  it('bends an edge that skips layers around the layers between, so it does not cut through their boxes', () => {
    const layout = layoutLargeGraph([box('a'), box('b', ['a']), box('c', ['b']), box('d', ['a', 'c'])]);
    const skip = layout.edges.find((edge) => edge.from === 'a' && edge.to === 'd');
    expect(skip?.points.length).toBeGreaterThan(2);
    const inner = skip!.points.slice(1, -1);
    for (const placed of layout.boxes.filter((candidate) => candidate.id === 'b' || candidate.id === 'c')) {
      for (const [x, y] of inner) expect(x > placed.x && x < placed.x + placed.width && y > placed.y && y < placed.y + placed.height).toBe(false);
    }
  });

  it('lays out the 2,000-task layered shape, plus a report task needing tasks of three layers, a layer per column and no two boxes overlapping', () => {
    const tasks: LargeLayoutTask[] = [];
    for (let layer = 0; layer < 40; layer++) for (let i = 0; i < 50; i++) tasks.push(box(`t${layer}_${i}`, layer === 0 ? [] : [`t${layer - 1}_${i}`, `t${layer - 1}_${(i + 1) % 50}`]));
    const layout = layoutLargeGraph([...tasks, box('report', ['t0_3', 't39_7', 't20_20'], 90)]);
    expect(layout.boxes).toHaveLength(2_001);
    expect(layout.edges).toHaveLength(3_903);
    const xOfLayer = (layer: number) => new Set(layout.boxes.filter((placed) => placed.id.startsWith(`t${layer}_`)).map((placed) => placed.x));
    for (const layer of [0, 1, 20, 39]) expect(xOfLayer(layer).size).toBe(1);
    // Boxes of one column share an x; sorting a column by y, neighbours must not overlap.
    const columns = new Map<number, { y: number; height: number }[]>();
    for (const placed of layout.boxes) columns.set(placed.x, [...(columns.get(placed.x) ?? []), placed]);
    expect(columns.size).toBe(41);
    for (const column of columns.values()) {
      const sorted = column.sort((p, q) => p.y - q.y);
      for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.y).toBeGreaterThanOrEqual(sorted[i - 1]!.y + sorted[i - 1]!.height);
    }
  });
});

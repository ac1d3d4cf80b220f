import { describe, expect, it } from 'vitest';
import type { Plan, PlanTask } from '../../plan/types.ts';
import { GraphLayoutCache, layoutPlan, planGraphHash } from './graph-layout.ts';
import { renderGraphSvg } from './graph-svg.ts';

const options = { retries: 0, retryDelayMs: 1000, backoffCoefficient: 2, timeoutMs: 60_000 };
const task = (id: string, needs: string[] = [], extra: Partial<PlanTask> = {}): PlanTask => ({ id, kind: 'task', needs, triggerRule: 'all_success', options, ...extra });
const plan = (tasks: PlanTask[]): Plan => ({ planVersion: 1, dagId: 'churn', file: 'churn.ts', clearWindowMs: 0, tasks });

const churn = plan([
  task('extract'),
  task('check', ['extract']),
  task('route', ['check'], { kind: 'branch' }),
  task('publish', ['route']),
  task('alert', ['route']),
  task('cleanup', ['publish', 'alert'], { triggerRule: 'all_done' }),
]);

describe('layoutPlan', () => {
  it('places every task left to right: each downstream task starts right of its upstream tasks', async () => {
    const layout = await layoutPlan(churn);
    const at = new Map(layout.tasks.map((placed) => [placed.id, placed]));
    expect([...at.keys()].sort()).toEqual(['alert', 'check', 'cleanup', 'extract', 'publish', 'route']);
    for (const t of churn.tasks) {
      for (const upstream of t.needs) {
        const from = at.get(upstream)!;
        expect(at.get(t.id)!.x).toBeGreaterThanOrEqual(from.x + from.width);
      }
    }
    expect(layout.edges).toHaveLength(6);
    for (const edge of layout.edges) expect(edge.points.length).toBeGreaterThanOrEqual(2);
    expect(layout.width).toBeGreaterThan(at.get('cleanup')!.x);
  });

  it('lays out a DAG above the fast-layout threshold left to right with no two boxes overlapping', async () => {
    const tasks: PlanTask[] = [];
    for (let layer = 0; layer < 8; layer++) for (let i = 0; i < 50; i++) tasks.push(task(`t${layer}_${i}`, layer === 0 ? [] : [`t${layer - 1}_${i}`, `t${layer - 1}_${(i + 1) % 50}`]));
    const layout = await layoutPlan(plan(tasks));
    expect(layout.tasks).toHaveLength(400);
    const at = new Map(layout.tasks.map((placed) => [placed.id, placed]));
    for (const t of tasks) for (const upstream of t.needs) expect(at.get(t.id)!.x).toBeGreaterThan(at.get(upstream)!.x);
    const boxes = layout.tasks;
    let overlaps = 0;
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i]!, boxes[j]!];
        if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) overlaps++;
      }
    }
    expect(overlaps).toBe(0);
  });
});

describe('GraphLayoutCache', () => {
  it('computes a layout once per graph shape and again when the graph changes', async () => {
    let computed = 0;
    const cache = new GraphLayoutCache(8, async (p) => {
      computed++;
      return layoutPlan(p);
    });
    const [first, second] = await Promise.all([cache.get(churn), cache.get({ ...churn, description: 'same graph' })]);
    expect(first).toBe(second);
    expect(computed).toBe(1);
    await cache.get(plan([...churn.tasks, task('report', ['cleanup'])]));
    expect(computed).toBe(2);
  });

  it('hashes only what the picture shows', () => {
    expect(planGraphHash(churn)).toBe(planGraphHash({ ...churn, file: 'moved.ts' }));
    expect(planGraphHash(churn)).not.toBe(planGraphHash(plan(churn.tasks.map((t) => (t.id === 'cleanup' ? { ...t, triggerRule: 'one_done' } : t)))));
  });
});

describe('renderGraphSvg', () => {
  it('draws one element per task with its id, state class, kind and trigger rule, and escapes ids', async () => {
    const layout = await layoutPlan(plan([...churn.tasks, task('a<b>&"c', ['extract'])]));
    const svg = String(await renderGraphSvg(layout, { paint: new Map([['extract', { state: 'success' }], ['alert', { state: 'skipped' }]]), href: (id) => `/runs/r1?task=${encodeURIComponent(id)}`, selected: 'alert' }));
    expect(svg.match(/data-task-id=/g)).toHaveLength(7);
    expect(svg).toContain('class="task kind-task state-success" data-task-id="extract"');
    expect(svg).toContain('class="task kind-task state-skipped selected" data-task-id="alert"');
    expect(svg).toContain('class="task kind-branch state-none" data-task-id="route"');
    expect(svg).toMatch(/data-task-id="cleanup"[^>]*>.*· all_done/);
    expect(svg).toContain('class="edge from-branch" data-from="route" data-to="publish"');
    expect(svg).toContain('href="/runs/r1?task=alert"');
    expect(svg).toContain('data-task-id="a&lt;b&gt;&amp;&quot;c"');
    expect(svg).not.toContain('a<b>');
  });

  it('shows a mapped task as one box with its instance count', async () => {
    const layout = await layoutPlan(plan([task('list'), task('each', ['list'], { kind: 'map', mapOver: 'list' })]));
    const svg = String(await renderGraphSvg(layout, { paint: new Map([['each', { state: 'running', instances: 10_000 }]]) }));
    expect(svg.match(/data-task-id="each"/g)).toHaveLength(1);
    expect(svg).toContain('×10000');
    expect(svg).toContain('class="task kind-map state-running"');
  });
});

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compilePlan, checkDag } from './compile.ts';
import { dag } from './dag.ts';
import { DagValidationError } from './errors.ts';
import { validateParams } from './params.ts';

const noop = async () => null;

function problemsOf(value: unknown) {
  return checkDag(value, 'dags/x.ts').problems;
}

describe('compilePlan', () => {
  it('compiles a DAG to plain JSON in topological order with resolved options', () => {
    const plan = compilePlan(
      dag({ id: 'etl', schedule: '@daily', timezone: 'Europe/Berlin', maxActiveRuns: 2, catchup: true, defaults: { retries: 2, retryDelay: '30s', timeout: '10m' } })
        .task('load', { needs: [] }, noop)
        .task('extract', noop)
        .task('transform', { needs: ['extract', 'load'], retries: 5, heartbeatTimeout: '1m', triggerRule: 'all_done' }, noop),
      'dags/etl.ts',
    );
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
    expect(plan.tasks.map((t) => t.id)).toEqual(['load', 'extract', 'transform']);
    expect(plan.schedule).toEqual({ cron: '0 0 * * *', source: '@daily', timezone: 'Europe/Berlin', catchup: true, maxActiveRuns: 2 });
    expect(plan.tasks[0]?.options).toEqual({ retries: 2, retryDelayMs: 30_000, backoffCoefficient: 2, timeoutMs: 600_000 });
    expect(plan.tasks[2]).toMatchObject({ triggerRule: 'all_done', options: { retries: 5, heartbeatTimeoutMs: 60_000 } });
  });

  it('throws a DagValidationError that names the file, DAG and task', () => {
    const broken = dag({ id: 'broken' }).task('a', noop).task('a', noop);
    expect(() => compilePlan(broken, 'dags/broken.ts')).toThrow(DagValidationError);
    try {
      compilePlan(broken, 'dags/broken.ts');
    } catch (error) {
      expect(error).toMatchObject({ file: 'dags/broken.ts', dagId: 'broken', taskId: 'a', field: 'id' });
      expect((error as Error).message).toBe('dags/broken.ts › dag broken › task a › field id: task id "a" is used more than once in this DAG');
    }
  });
});

describe('checkDag reports every problem', () => {
  it('rejects a default export that is not a DAG', () => {
    expect(problemsOf({ id: 'x' })).toEqual([{ file: 'dags/x.ts', message: expect.stringMatching(/not a DAG/) }]);
    expect(problemsOf(undefined)[0]?.message).toMatch(/not a DAG/);
  });

  it('reports unknown dependencies', () => {
    const d = dag({ id: 'd' }).task('a', noop);
    d.tasks.push({ id: 'b', kind: 'task', needs: ['ghost'], options: {}, body: noop });
    expect(problemsOf(d)).toEqual([{ file: 'dags/x.ts', dagId: 'd', taskId: 'b', field: 'needs', message: 'depends on unknown task "ghost"' }]);
  });

  it('prints the cycle itself', () => {
    const d = dag({ id: 'loop' }).task('a', noop);
    d.tasks.splice(0, 1, { id: 'a', kind: 'task', needs: ['c'], options: {}, body: noop });
    d.tasks.push({ id: 'b', kind: 'task', needs: ['a'], options: {}, body: noop }, { id: 'c', kind: 'task', needs: ['b'], options: {}, body: noop }, { id: 'z', kind: 'task', needs: [], options: {}, body: noop });
    const [problem] = problemsOf(d);
    expect(problem?.message).toMatch(/^cycle: (a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c)$/);
  });

  it('reports a self-dependency as a cycle', () => {
    const d = dag({ id: 'selfish' });
    d.tasks.push({ id: 'a', kind: 'task', needs: ['a'], options: {}, body: noop });
    expect(problemsOf(d)[0]?.message).toBe('cycle: a -> a');
  });

  it("reports an invalid cron with cron-parser's message, and an unknown timezone", () => {
    const problems = problemsOf(dag({ id: 'c', schedule: '61 * * * *', timezone: 'Mars/Olympus' }).task('a', noop));
    expect(problems.map((p) => p.field)).toEqual(['timezone', 'schedule']);
    expect(problems[0]?.message).toMatch(/unknown timezone "Mars\/Olympus"/);
    expect(problems[1]?.message).toMatch(/invalid cron expression "61 \* \* \* \*": .+/);
    expect(problemsOf(dag({ id: 'c', schedule: '@fortnightly' }).task('a', noop))[0]?.message).toMatch(/unknown cron preset/);
    expect(problemsOf(dag({ id: 'c', schedule: '* * *' }).task('a', noop))[0]?.message).toMatch(/has 3 fields/);
  });

  it('reports invalid options with the field', () => {
    const d = dag({ id: 'opts', maxActiveRuns: 0, defaults: { retries: -1, timeout: 'soon' } }).task('a', { retryDelay: '5 parsecs', backoff: 0.5 } as never, noop);
    const fields = problemsOf(d).map((p) => `${p.taskId ?? '-'}:${p.field}`);
    expect(fields).toEqual(expect.arrayContaining(['-:maxActiveRuns', '-:defaults.retries', '-:defaults.timeout', 'a:options.retryDelay', 'a:options.backoff']));
  });

  it('reports unknown options and trigger rules, bad ids, and a DAG without tasks', () => {
    expect(problemsOf(dag({ id: 'u', retries: 3 } as never).task('a', noop)).map((p) => p.field)).toEqual(['retries']);
    expect(problemsOf(dag({ id: 'u' }).task('a', { triggerRule: 'sometimes' } as never, noop))[0]?.field).toBe('triggerRule');
    expect(problemsOf(dag({ id: 'has space' }).task('a.b', noop)).map((p) => p.field)).toEqual(['id', 'id']);
    expect(problemsOf(dag({ id: 'empty' }))[0]?.message).toBe('the DAG has no tasks');
  });

  it('refuses more static tasks than one run can hold, and takes exactly the limit', () => {
    const wide = (n: number) => {
      let graph = dag({ id: 'wide' });
      for (let i = 0; i < n; i++) graph = graph.task(`t${i}`, noop) as typeof graph;
      return graph;
    };
    expect(problemsOf(wide(20_000))).toEqual([]);
    expect(problemsOf(wide(20_001))).toEqual([
      { file: 'dags/x.ts', dagId: 'wide', field: 'tasks', message: '20001 tasks is more than one run can hold (20000); use .map() for a large fan-out, or split the DAG' },
    ]);
  });

  it('requires an approval timeout', () => {
    expect(problemsOf(dag({ id: 'ap' }).approval('gate', { timeout: 'never' }))[0]).toMatchObject({ taskId: 'gate', field: 'timeout' });
  });
});

describe('validateParams', () => {
  const withParams = dag({ id: 'p', params: z.object({ minRows: z.number().default(1000), table: z.string() }) }).task('a', noop);
  it('applies defaults and returns typed params', () => {
    expect(validateParams(withParams, { table: 't' })).toEqual({ minRows: 1000, table: 't' });
  });
  it('names each bad field', () => {
    expect(() => validateParams(withParams, { minRows: 'many' })).toThrow(/Invalid params for DAG p: minRows: .*; table: /);
    expect(() => validateParams(withParams, [1, 2])).toThrow(/must be a JSON object/);
  });
});

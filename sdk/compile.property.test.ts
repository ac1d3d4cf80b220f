import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TRIGGER_RULES, type Plan } from '../plan/types.ts';
import { checkDag, compilePlan, ID_PATTERN } from './compile.ts';
import { dag } from './dag.ts';
import type { TaskDefinition } from './definition.ts';
import { DagValidationError, type DagProblem } from './errors.ts';

// Fixed seed so CI failures reproduce; fast-check prints the seed and path of any failure.
const SEED = 20_260_131;
const FILE = 'dags/fuzzed.ts';
const noop = async () => null;

const TASK_KINDS = ['task', 'branch', 'map', 'approval'] as const;
const WHOLE_FILE_MESSAGES = [/^the default export is not a DAG/, /^the DAG has no tasks$/];

// ---------------------------------------------------------------- generators

const goodId = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,15}$/);

const badId = fc.oneof(
  fc.constantFrom('', ' ', 'has space', 'a.b', 'über', 'naïve', 'ταυ', '日本', '1st', '9', '-x', '_x', 'a/b', 'a\nb', 'x'.repeat(129), 'y'.repeat(5000)),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
);

/** Anything a careless (or hostile) DAG file could put in a field, including values JSON cannot hold. */
const garbage: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 2, withBigInt: true, withNullPrototype: true, withBoxedValues: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true }),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, Symbol('s'), noop, [], {}, null, undefined, Object.create(null) as unknown),
);

const anyId: fc.Arbitrary<unknown> = fc.oneof({ weight: 4, arbitrary: goodId }, { weight: 2, arbitrary: badId }, { weight: 1, arbitrary: garbage });

const durationLike: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('30s', '10m', '1h30m', '2d', '500ms', '0s', '1.5h', ' 5m ', 'soon', '5 parsecs', '-1s', '1e3s', '', '9'.repeat(400) + 'ms', '1'.repeat(30) + 'w'),
  fc.string({ maxLength: 12 }),
  fc.double(),
  fc.integer(),
  garbage,
);

const retriesLike: fc.Arbitrary<unknown> = fc.oneof(fc.integer({ min: -5, max: 2000 }), fc.double(), fc.constantFrom(1e308, -1, 0.5, 1000, 1001, Number.MAX_SAFE_INTEGER + 2), garbage);

const optionsLike: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.record(
    {
      retries: retriesLike,
      retryDelay: durationLike,
      backoff: fc.oneof(fc.double(), fc.constantFrom(1, 2, 0.5, Infinity, 1e308), garbage),
      maxRetryDelay: durationLike,
      timeout: durationLike,
      heartbeatTimeout: durationLike,
      queue: fc.oneof(fc.string({ maxLength: 8 }), garbage),
      [`unknown`]: garbage,
    },
    { requiredKeys: [] },
  ) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), garbage, { maxKeys: 3 }) },
  { weight: 1, arbitrary: garbage },
);

const triggerRuleLike: fc.Arbitrary<unknown> = fc.oneof(fc.constantFrom(undefined, ...TRIGGER_RULES), fc.string({ maxLength: 12 }), garbage);

/** A raw task record with any shape, pushed straight into `.tasks` so the builder cannot tidy it. */
function rawTask(idPool: readonly unknown[]): fc.Arbitrary<unknown> {
  const idRef = idPool.length > 0 ? fc.oneof(fc.constantFrom(...idPool), anyId) : anyId;
  const taskRecord = fc.record(
    {
      id: idRef,
      kind: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...TASK_KINDS) }, { weight: 1, arbitrary: garbage }),
      needs: fc.oneof({ weight: 5, arbitrary: fc.array(idRef, { maxLength: 4 }) }, { weight: 1, arbitrary: garbage }),
      triggerRule: triggerRuleLike,
      options: optionsLike,
      body: fc.oneof({ weight: 5, arbitrary: fc.constant(noop) }, { weight: 1, arbitrary: garbage }),
      mapOver: idRef,
      approvalTimeout: durationLike,
    },
    { requiredKeys: ['id', 'kind', 'needs', 'options'] },
  );
  return fc.oneof({ weight: 10, arbitrary: taskRecord }, { weight: 1, arbitrary: garbage });
}

const scheduleLike: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(undefined, null, '@daily', '@hourly', '@weekly', '@fortnightly', '0 2 * * *', '*/5 * * * *', '61 * * * *', '* * *', '0 0 31 2 *', '0 0 * * * *', '', '   ', '@', 'L W # ?', 'constructor', 'toString', '__proto__', ' valueOf '),
  fc.string({ maxLength: 20 }),
  fc.array(fc.constantFrom('*', '0', '1-5', '*/2', 'MON', '?', 'L', '60', '-1', 'a'), { minLength: 1, maxLength: 7 }).map((parts) => parts.join(' ')),
  garbage,
);

const timezoneLike: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(undefined, 'UTC', 'Europe/Berlin', 'America/New_York', 'Mars/Olympus', '', 'utc', '+02:00', 'Etc/GMT+5'),
  fc.string({ maxLength: 12 }),
  garbage,
);

const configLike: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record(
      {
        id: anyId,
        description: fc.oneof(fc.string({ maxLength: 10 }), garbage),
        schedule: scheduleLike,
        timezone: timezoneLike,
        catchup: fc.oneof(fc.boolean(), garbage),
        maxActiveRuns: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.double(), garbage),
        params: fc.oneof(fc.constant({ safeParse: () => ({ success: true, data: {} }) }), garbage),
        defaults: optionsLike,
        clearWindow: durationLike,
        callbacks: fc.oneof(fc.dictionary(fc.constantFrom('onFailure', 'onSuccess', 'onDrift', 'onBogus', 'toString', 'constructor', 'hasOwnProperty'), fc.oneof(fc.constant(noop), garbage), { maxKeys: 3 }), garbage),
        retries: garbage,
      },
      { requiredKeys: ['id'] },
    ),
  },
  { weight: 1, arbitrary: garbage },
);

/** A DAG built with `dag()`, then given raw task records of any shape. */
const fuzzedDag: fc.Arbitrary<unknown> = fc
  .tuple(configLike, fc.uniqueArray(goodId, { maxLength: 5 }))
  .chain(([config, pool]) =>
    fc.tuple(fc.constant(config), fc.array(rawTask(pool), { maxLength: 8 }), fc.option(garbage, { freq: 10 })).map(([cfg, tasks, replacementTasks]) => {
      const built = dag(cfg as never);
      for (const task of tasks) built.tasks.push(task as TaskDefinition);
      // Occasionally the task list itself is not an array.
      if (replacementTasks !== null) (built as unknown as { tasks: unknown }).tasks = replacementTasks;
      return built as unknown;
    }),
  );

/** Objects that almost look like a DAG, and anything else a default export could be. */
const notADag: fc.Arbitrary<unknown> = fc.oneof(
  garbage,
  configLike.map((config) => ({ config, tasks: [] })),
  configLike.map((config) => ({ [Symbol.for('weir.dag')]: true, config, tasks: [{ id: 'a' }] })),
  fc.constant({ [Symbol.for('weir.dag')]: true }),
);

// ---------------------------------------------------------------- helpers

function isLocated(problem: DagProblem): boolean {
  if (problem.dagId !== undefined || problem.taskId !== undefined || problem.field !== undefined) return true;
  return WHOLE_FILE_MESSAGES.some((pattern) => pattern.test(problem.message));
}

/** Everything the interpreter relies on in a Plan, checked independently of the compiler. */
function expectWellFormedPlan(plan: Plan): void {
  expect(JSON.parse(JSON.stringify(plan))).toStrictEqual(plan);
  expect(plan.dagId).toMatch(ID_PATTERN);
  expect(plan.file).toBe(FILE);
  expect(plan.tasks.length).toBeGreaterThan(0);
  const seen = new Set<string>();
  for (const task of plan.tasks) {
    expect(task.id).toMatch(ID_PATTERN);
    expect(TASK_KINDS).toContain(task.kind);
    expect(TRIGGER_RULES).toContain(task.triggerRule);
    expect(seen.has(task.id)).toBe(false);
    for (const up of task.needs) expect(seen.has(up), `${task.id} needs ${up}, which must come earlier`).toBe(true);
    seen.add(task.id);
    const { retries, retryDelayMs, backoffCoefficient, timeoutMs, maxRetryDelayMs, heartbeatTimeoutMs } = task.options;
    expect(Number.isInteger(retries) && retries >= 0 && retries <= 1000).toBe(true);
    for (const ms of [retryDelayMs, timeoutMs, maxRetryDelayMs ?? 1, heartbeatTimeoutMs ?? 1]) expect(Number.isFinite(ms) && ms > 0).toBe(true);
    expect(Number.isFinite(backoffCoefficient) && backoffCoefficient >= 1).toBe(true);
    if (task.kind === 'map') expect(task.needs).toContain(task.mapOver);
    if (task.kind === 'approval') expect(Number.isFinite(task.approvalTimeoutMs) && (task.approvalTimeoutMs ?? 0) > 0).toBe(true);
  }
  expect(Number.isFinite(plan.clearWindowMs) && plan.clearWindowMs >= 0).toBe(true);
}

function compileOrProblems(value: unknown): Plan | readonly DagProblem[] {
  try {
    return compilePlan(value, FILE);
  } catch (error) {
    expect(error, `expected a DagValidationError, got ${String(error)}`).toBeInstanceOf(DagValidationError);
    return (error as DagValidationError).problems;
  }
}

// ---------------------------------------------------------------- property A

describe('property A: compilePlan returns a well-formed Plan or throws a located DagValidationError', () => {
  it.each([
    ['fuzzed DAGs', fuzzedDag, 600],
    ['values that are not DAGs', notADag, 300],
  ] as const)('%s', (_what, arbitrary, numRuns) => {
    fc.assert(
      fc.property(arbitrary, (value) => {
        const result = compileOrProblems(value);
        if (!Array.isArray(result)) return expectWellFormedPlan(result as Plan);
        const problems = result as readonly DagProblem[];
        expect(problems.length).toBeGreaterThan(0);
        for (const problem of problems) {
          expect(problem.file).toBe(FILE);
          expect(typeof problem.message === 'string' && problem.message.length > 0).toBe(true);
          expect(isLocated(problem), `problem without a location: ${JSON.stringify(problem)}`).toBe(true);
        }
      }),
      { seed: SEED, numRuns },
    );
  }, 30_000);
});

// ---------------------------------------------------------------- valid DAGs

interface ValidDag {
  ids: string[];
  /** For each task id, its upstream ids. */
  needs: Map<string, string[]>;
  definitions: TaskDefinition[];
}

const validDurations = fc.constantFrom('30s', '10m', '1h30m', '2d', '500ms', 1, 2500, '1.5h');

/**
 * A random acyclic DAG: edges only run from earlier to later tasks in a random permutation,
 * and tasks are declared in a different random order so the compiler has to sort them.
 */
const validDag: fc.Arbitrary<ValidDag> = fc
  .uniqueArray(goodId, { minLength: 1, maxLength: 14, selector: (id) => id })
  .chain((ids) =>
    fc.tuple(
      fc.shuffledSubarray(ids, { minLength: ids.length, maxLength: ids.length }),
      fc.shuffledSubarray(ids, { minLength: ids.length, maxLength: ids.length }),
      fc.array(fc.array(fc.boolean(), { minLength: ids.length, maxLength: ids.length }), { minLength: ids.length, maxLength: ids.length }),
      fc.array(
        fc.record({
          kind: fc.constantFrom(...TASK_KINDS),
          triggerRule: fc.constantFrom(undefined, ...TRIGGER_RULES),
          retries: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
          timeout: fc.option(validDurations, { nil: undefined }),
          retryDelay: fc.option(validDurations, { nil: undefined }),
          backoff: fc.option(fc.double({ min: 1, max: 10, noNaN: true }), { nil: undefined }),
          approvalTimeout: validDurations,
        }),
        { minLength: ids.length, maxLength: ids.length },
      ),
    ),
  )
  .map(([permutation, declarationOrder, edgeMatrix, shapes]) => {
    const needs = new Map<string, string[]>(permutation.map((id) => [id, []]));
    permutation.forEach((down, j) => {
      for (let i = 0; i < j; i++) if (edgeMatrix[i]?.[j]) needs.get(down)?.push(permutation[i] as string);
    });
    const definitions = declarationOrder.map((id, index): TaskDefinition => {
      const shape = shapes[index] as (typeof shapes)[number];
      const upstream = needs.get(id) ?? [];
      // A map task needs an upstream to map over; without one it is a plain task.
      const kind = shape.kind === 'map' && upstream.length === 0 ? 'task' : shape.kind;
      const options = Object.fromEntries(
        Object.entries({ retries: shape.retries, timeout: shape.timeout, retryDelay: shape.retryDelay, backoff: shape.backoff }).filter(([, v]) => v !== undefined),
      );
      return {
        id,
        kind,
        needs: upstream,
        ...(shape.triggerRule ? { triggerRule: shape.triggerRule } : {}),
        options: kind === 'approval' ? {} : options,
        ...(kind === 'approval' ? { approvalTimeout: shape.approvalTimeout } : { body: noop }),
        ...(kind === 'map' ? { mapOver: upstream[0] } : {}),
      };
    });
    return { ids: permutation, needs, definitions };
  });

const validConfig = fc.record({
  id: goodId,
  schedule: fc.constantFrom(undefined, '@daily', '@hourly', '0 2 * * *', '*/15 * * * 1-5'),
  timezone: fc.constantFrom(undefined, 'UTC', 'Europe/Berlin', 'Asia/Kolkata'),
  clearWindow: fc.constantFrom(undefined, '0s', '1h', 60_000),
});

function buildDag(config: { id: string; schedule?: string | undefined; timezone?: string | undefined; clearWindow?: string | number | undefined }, definitions: readonly TaskDefinition[]) {
  const clean = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) as { id: string };
  const built = dag(clean);
  for (const definition of definitions) built.tasks.push({ ...definition, needs: Array.isArray(definition.needs) ? [...definition.needs] : definition.needs });
  return built;
}

// ---------------------------------------------------------------- property A, near-valid inputs

/**
 * A valid DAG with one field of one task replaced by a fuzzed value. Pure garbage almost never
 * gets past the first problem, so this is what finds values that slip through into a Plan.
 */
const nearlyValidDag: fc.Arbitrary<unknown> = fc
  .tuple(validConfig, validDag)
  .chain(([config, generated]) =>
    fc.tuple(
      fc.constant(config),
      fc.constant(generated),
      fc.nat({ max: generated.definitions.length - 1 }),
      fc.constantFrom('id', 'kind', 'needs', 'triggerRule', 'options', 'body', 'mapOver', 'approvalTimeout', 'mapBatchSize', 'extraNeed'),
      fc.oneof(anyId, garbage, fc.constantFrom('task', 'branch', 'map', 'approval', 'Map', 'dag'), optionsLike, durationLike),
    ),
  )
  .map(([config, generated, index, field, value]) => {
    const definitions = generated.definitions.map((d) => ({ ...d, needs: [...d.needs] }) as Record<string, unknown>);
    const target = definitions[index] as Record<string, unknown>;
    if (field === 'extraNeed') (target.needs as unknown[]).push(value);
    else target[field] = value;
    return buildDag(config, definitions as unknown as TaskDefinition[]) as unknown;
  });

describe('property A on nearly valid DAGs', () => {
  it('one fuzzed task field either still compiles to a well-formed Plan or is reported where it is', () => {
    fc.assert(
      fc.property(nearlyValidDag, (value) => {
        const result = compileOrProblems(value);
        if (!Array.isArray(result)) return expectWellFormedPlan(result as Plan);
        for (const problem of result as readonly DagProblem[]) {
          expect(problem.file).toBe(FILE);
          expect(isLocated(problem), `problem without a location: ${JSON.stringify(problem)}`).toBe(true);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  }, 30_000);
});

// ---------------------------------------------------------------- property B

describe('property B: every random acyclic DAG compiles to a topologically ordered, JSON-safe Plan', () => {
  it('compiles, keeps every task exactly once, and orders each task after its needs', () => {
    fc.assert(
      fc.property(validConfig, validDag, (config, generated) => {
        const built = buildDag(config, generated.definitions);
        expect(checkDag(built, FILE).problems).toEqual([]);
        const plan = compilePlan(built, FILE);
        expect(plan.dagId).toBe(config.id);
        expect(plan.tasks.map((t) => t.id).sort()).toEqual([...generated.ids].sort());
        const position = new Map(plan.tasks.map((task, index) => [task.id, index]));
        expect(position.size).toBe(generated.ids.length);
        for (const task of plan.tasks) {
          expect([...task.needs].sort()).toEqual([...(generated.needs.get(task.id) ?? [])].sort());
          for (const up of task.needs) expect(position.get(up) as number).toBeLessThan(position.get(task.id) as number);
        }
        expect(JSON.parse(JSON.stringify(plan))).toStrictEqual(plan);
        expectWellFormedPlan(plan);
      }),
      { seed: SEED, numRuns: 200 },
    );
  }, 30_000);
});

// ---------------------------------------------------------------- property C

describe('property C: an injected cycle is reported as a real closed path', () => {
  it('fails and names a cycle whose every step is a real edge', () => {
    const withCycle = validDag.chain((generated) =>
      fc.tuple(fc.constant(generated), fc.shuffledSubarray(generated.ids, { minLength: 1, maxLength: Math.min(5, generated.ids.length) })),
    );
    fc.assert(
      fc.property(validConfig, withCycle, (config, [generated, loop]) => {
        // loop[0] -> loop[1] -> ... -> loop[k-1] -> loop[0], in execution order (downstream needs upstream).
        const definitions = generated.definitions.map((d) => ({ ...d, needs: [...d.needs] }));
        const byId = new Map(definitions.map((d) => [d.id, d]));
        loop.forEach((up, i) => {
          const down = byId.get(loop[(i + 1) % loop.length] as string) as TaskDefinition & { needs: string[] };
          if (!down.needs.includes(up)) down.needs.push(up);
        });
        const built = buildDag(config, definitions);
        const { plan, problems } = checkDag(built, FILE);
        expect(plan).toBeNull();
        expect(() => compilePlan(built, FILE)).toThrow(DagValidationError);
        expect(problems).toHaveLength(1);
        const [problem] = problems as [DagProblem];
        expect(problem).toMatchObject({ file: FILE, dagId: config.id, field: 'needs' });
        const match = /^cycle: (.+)$/.exec(problem.message);
        expect(match, problem.message).not.toBeNull();
        const path = (match?.[1] ?? '').split(' -> ');
        expect(path.length).toBeGreaterThanOrEqual(2);
        expect(path[0]).toBe(path[path.length - 1]);
        expect(problem.taskId).toBe(path[0]);
        for (let i = 0; i + 1 < path.length; i++) {
          const [from, to] = [path[i] as string, path[i + 1] as string];
          expect(byId.get(to)?.needs, `${from} -> ${to} is not an edge`).toContain(from);
        }
        // A simple cycle: no task repeats except the closing one.
        expect(new Set(path.slice(0, -1)).size).toBe(path.length - 1);
      }),
      { seed: SEED, numRuns: 200 },
    );
  }, 30_000);
});

// ---------------------------------------------------------------- regressions found by the properties above

describe('inputs the fuzzer found', () => {
  const withTask = (task: Record<string, unknown>, config: Record<string, unknown> = {}) => {
    const built = dag({ id: 'found', ...config }).task('a', noop);
    built.tasks.push(task as unknown as TaskDefinition);
    return checkDag(built, FILE);
  };

  it.each([
    ['a null task entry', null, {}, 'tasks[1]'],
    ['an unknown task kind', { id: 'b', kind: 'bogus', needs: ['a'], options: {}, body: noop }, {}, 'kind'],
    ['a map task without mapOver', { id: 'b', kind: 'map', needs: ['a'], options: {}, body: noop }, {}, 'over'],
    ['a map task over a task it does not need', { id: 'b', kind: 'map', needs: [], mapOver: 'a', options: {}, body: noop }, {}, 'over'],
    ['an approval timeout that is an object', { id: 'b', kind: 'approval', needs: [], options: {}, approvalTimeout: {} }, {}, 'timeout'],
    ['a duration too long for a number', { id: 'b', kind: 'task', needs: [], options: { timeout: `${'9'.repeat(400)}ms` }, body: noop }, {}, 'options.timeout'],
    ['an infinite backoff', { id: 'b', kind: 'task', needs: [], options: { backoff: Infinity }, body: noop }, {}, 'options.backoff'],
    ['a BigInt retry count', { id: 'b', kind: 'task', needs: [], options: { retries: 3n }, body: noop }, {}, 'options.retries'],
    ['a Symbol in needs', { id: 'b', kind: 'task', needs: [Symbol('x')], options: {}, body: noop }, {}, 'needs'],
    ['a clearWindow that is an array', { id: 'b', kind: 'task', needs: [], options: {}, body: noop }, { clearWindow: [] }, 'clearWindow'],
    ['a schedule named like an Object.prototype member', { id: 'b', kind: 'task', needs: [], options: {}, body: noop }, { schedule: 'constructor' }, 'schedule'],
  ] as const)('%s is a located problem', (_what, task, config, field) => {
    const { plan, problems } = withTask(task as Record<string, unknown>, config);
    expect(plan).toBeNull();
    expect(problems).toEqual([expect.objectContaining({ file: FILE, dagId: 'found', field })]);
  });
});

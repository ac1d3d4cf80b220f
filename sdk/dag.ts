import type { Duration } from '../plan/duration.ts';
import type { TriggerRule } from '../plan/types.ts';
import type { ApprovalResult, TaskContext } from './context.ts';
import type { AnyBody, DagConfig, TaskDefinition, TaskOptions } from './definition.ts';

type Outputs = Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type NoOutputs = {};

/** Where a task sits in the graph: what it needs and when it fires. */
export interface TaskSpec<N extends string> extends TaskOptions {
  needs?: readonly N[];
  triggerRule?: TriggerRule;
}

export interface MapSpec<N extends string, K extends string> extends TaskSpec<N> {
  /** Upstream task whose output, a JSON array, this task is mapped over. */
  over: K;
  /** Above this many items, instances run in child workflows of this size (default 500). */
  batchSize?: number;
}

export interface ApprovalSpec<N extends string> {
  needs?: readonly N[];
  triggerRule?: TriggerRule;
  /** How long to wait for a decision before the task fails. */
  timeout: Duration;
}

type Body<P, U, R> = (ctx: TaskContext<P, U>) => R | Promise<R>;
type ElementOf<T> = T extends readonly (infer E)[] ? E : never;

const DAG_BRAND = Symbol.for('weir.dag');

/**
 * A DAG under construction. Each method adds a task and returns the DAG with that task's output
 * type recorded, so downstream tasks see typed `ctx.outputs`.
 *
 * @example
 * export default dag({ id: 'report', schedule: '@daily' })
 *   .task('extract', async () => ({ rows: 1200 }))
 *   .task('check', { needs: ['extract'] }, async (ctx) => ctx.outputs.extract.rows > 1000);
 */
export class Dag<P = Record<string, unknown>, O extends Outputs = NoOutputs> {
  readonly [DAG_BRAND] = true;
  readonly config: DagConfig<P>;
  readonly tasks: TaskDefinition[] = [];
  /** Phantom field carrying the output types; never set at run time. */
  declare readonly outputTypes: O;

  constructor(config: DagConfig<P>) {
    this.config = config;
  }

  get id(): string {
    return this.config.id;
  }

  /** A plain task whose body runs as one activity. */
  task<const Id extends string, R>(id: Id, body: Body<P, NoOutputs, R>): Dag<P, O & Record<Id, Awaited<R>>>;
  task<const Id extends string, R, const N extends keyof O & string = never>(
    id: Id,
    spec: TaskSpec<N>,
    body: Body<P, Pick<O, N>, R>,
  ): Dag<P, O & Record<Id, Awaited<R>>>;
  task(id: string, specOrBody: TaskSpec<string> | AnyBody, maybeBody?: AnyBody): unknown {
    const [spec, body] = typeof specOrBody === 'function' ? [{}, specOrBody] : [specOrBody, maybeBody];
    return this.add(id, 'task', spec, body);
  }

  /**
   * A task that returns the id (or ids) of the direct downstream tasks to run; the others are
   * skipped and their skips propagate by trigger rule. `null` or `[]` skips them all. As in
   * Airflow, a direct downstream task that is also downstream of a chosen task is not skipped.
   */
  branch<const Id extends string, const N extends keyof O & string = never>(
    id: Id,
    spec: TaskSpec<N>,
    choose: Body<P, Pick<O, N>, string | readonly string[] | null>,
  ): Dag<P, O & Record<Id, string[]>> {
    return this.add(id, 'branch', spec, choose) as never;
  }

  /** Runs the body once per element of an upstream task's array output, in parallel. */
  map<const Id extends string, const K extends keyof O & string, R, const N extends keyof O & string = never>(
    id: Id,
    spec: MapSpec<N, K>,
    // The list itself is not in ctx.outputs: each instance gets its own item instead.
    body: (ctx: TaskContext<P, Omit<Pick<O, N>, K>>, item: ElementOf<O[K]>, index: number) => R | Promise<R>,
  ): Dag<P, O & Record<Id, Awaited<R>[]>> {
    const { over, batchSize, ...rest } = spec;
    const needs = rest.needs?.includes(over as never) ? rest.needs : [...(rest.needs ?? []), over];
    return this.add(id, 'map', { ...rest, needs }, body, { mapOver: over, ...(batchSize === undefined ? {} : { mapBatchSize: batchSize }) }) as never;
  }

  /** Waits for a person to approve or reject through `weir approve` (a workflow Update). */
  approval<const Id extends string, const N extends keyof O & string = never>(
    id: Id,
    spec: ApprovalSpec<N>,
  ): Dag<P, O & Record<Id, ApprovalResult>> {
    const { timeout, ...rest } = spec;
    return this.add(id, 'approval', rest, undefined, { approvalTimeout: timeout }) as never;
  }

  private add(
    id: string,
    kind: TaskDefinition['kind'],
    spec: TaskSpec<string>,
    body: AnyBody | undefined,
    extra: Partial<TaskDefinition> = {},
  ): this {
    const { needs, triggerRule, ...options } = spec ?? {};
    this.tasks.push({ id, kind, needs: needs ?? [], triggerRule, options, body, ...extra });
    return this;
  }
}

/** Starts a DAG definition. Default-export the result from a file in `dags/`. */
export function dag<P = Record<string, unknown>>(config: DagConfig<P>): Dag<P, NoOutputs> {
  return new Dag<P, NoOutputs>(config);
}

export function isDag(value: unknown): value is Dag<unknown, Outputs> {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DAG_BRAND] === true;
}

import { parseDuration } from '../plan/duration.ts';
import { MAX_STATIC_TASKS, TRIGGER_RULES, type Plan, type PlanSchedule, type PlanTask, type RunEventType, type TaskKind, type TriggerRule } from '../plan/types.ts';
import { checkCron, checkTimezone, expandCronPreset } from './cron.ts';
import { isDag, type Dag } from './dag.ts';
import { DagValidationError, describeValue, type DagProblem } from './errors.ts';
import { findCycle, topologicalOrder } from './graph.ts';
import { resolveTaskOptions, type OptionProblem } from './options.ts';

/** Ids become parts of activity types (`<dagId>.<taskId>`) and schedule ids, so they stay simple. */
export const ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;
/** Workflow types the interpreter registers by name; a DAG with one of these ids could never run. */
const RESERVED_DAG_IDS = new Set(['weirMapBatch']);
const ID_RULE = 'must start with a letter and contain only letters, digits, "_" or "-" (at most 128 characters)';

const KNOWN_CONFIG = new Set(['id', 'description', 'schedule', 'timezone', 'catchup', 'maxActiveRuns', 'params', 'defaults', 'clearWindow', 'callbacks']);

const TASK_KINDS: readonly TaskKind[] = ['task', 'branch', 'map', 'approval'];

const CALLBACK_EVENTS: Record<string, RunEventType> = { onFailure: 'failure', onSuccess: 'success', onDrift: 'drift', onPromotion: 'promotion', onRejection: 'rejection' };

/**
 * Turns a DAG definition into a Plan, or throws a DagValidationError listing every problem.
 *
 * @example
 * const plan = compilePlan(myDag, 'dags/report.ts');
 */
export function compilePlan(value: unknown, file: string): Plan {
  const { plan, problems } = checkDag(value, file);
  if (!plan) throw new DagValidationError(problems);
  return plan;
}

/** Like compilePlan, but returns the problems instead of throwing. */
export function checkDag(value: unknown, file: string): { plan: Plan | null; problems: DagProblem[] } {
  if (!isDag(value)) {
    return { plan: null, problems: [{ file, message: 'the default export is not a DAG; export default dag({ id: ... })' }] };
  }
  const problems: DagProblem[] = [];
  try {
    const plan = buildPlan(value, file, problems);
    return { plan: problems.length === 0 ? plan : null, problems };
  } catch (error) {
    // A definition so malformed that walking it throws is still just a problem in this file.
    problems.push({ file, message: `malformed DAG definition: ${(error as Error)?.message ?? String(error)}` });
    return { plan: null, problems };
  }
}

function buildPlan(dag: Dag<unknown, Record<string, unknown>>, file: string, problems: DagProblem[]): Plan {
  const config = dag.config ?? ({} as typeof dag.config);
  const rawId: unknown = config.id;
  const dagId = typeof rawId === 'string' ? rawId : undefined;
  const report = (problem: Omit<DagProblem, 'file' | 'dagId'>) => problems.push({ file, dagId, ...problem });

  if (typeof rawId !== 'string' || !ID_PATTERN.test(rawId)) report({ field: 'id', message: `DAG id ${describeValue(rawId)} ${ID_RULE}` });
  else if (RESERVED_DAG_IDS.has(rawId)) report({ field: 'id', message: `DAG id "${rawId}" is the name of one of Weir's own workflows; choose another` });
  for (const key of Object.keys(config)) if (!KNOWN_CONFIG.has(key)) report({ field: key, message: `unknown DAG option (known: ${[...KNOWN_CONFIG].join(', ')})` });
  if (config.description !== undefined && typeof config.description !== 'string') report({ field: 'description', message: 'must be a string' });
  if (config.params !== undefined && typeof (config.params as { safeParse?: unknown })?.safeParse !== 'function') {
    report({ field: 'params', message: 'must be a schema with safeParse, such as z.object({...}) from zod' });
  }
  const schedule = compileSchedule(config, report);
  const clearWindowMs = config.clearWindow === undefined ? 0 : parseDuration(config.clearWindow);
  if (clearWindowMs === null) report({ field: 'clearWindow', message: `${describeValue(config.clearWindow)} is not a valid duration` });

  const optionProblems: OptionProblem[] = [];
  resolveTaskOptions(config.defaults, undefined, optionProblems, 'defaults');
  for (const p of optionProblems) report({ field: p.field, message: p.message });

  const tasks = compileTasks(dag, report);
  if (tasks.length > MAX_STATIC_TASKS) {
    report({ field: 'tasks', message: `${tasks.length} tasks is more than one run can hold (${MAX_STATIC_TASKS}); use .map() for a large fan-out, or split the DAG` });
  }
  const callbacks = compileCallbacks(config.callbacks, report);
  return {
    planVersion: 1,
    dagId: dagId ?? '',
    ...(config.description ? { description: config.description } : {}),
    file,
    ...(schedule ? { schedule } : {}),
    clearWindowMs: clearWindowMs ?? 0,
    tasks,
    ...(callbacks.length > 0 ? { callbacks } : {}),
  };
}

function compileCallbacks(callbacks: unknown, report: Report): RunEventType[] {
  if (callbacks === undefined) return [];
  if (typeof callbacks !== 'object' || callbacks === null) {
    report({ field: 'callbacks', message: 'must be an object such as { onFailure: emailOn({ to: [...] }) }' });
    return [];
  }
  const events: RunEventType[] = [];
  for (const [name, callback] of Object.entries(callbacks)) {
    const event = Object.hasOwn(CALLBACK_EVENTS, name) ? CALLBACK_EVENTS[name] : undefined;
    if (!event) report({ field: `callbacks.${name}`, message: `unknown callback (known: ${Object.keys(CALLBACK_EVENTS).join(', ')})` });
    else if (typeof callback !== 'function') report({ field: `callbacks.${name}`, message: 'must be a function (event) => Promise<void>' });
    else events.push(event);
  }
  return events;
}

type Report = (problem: Omit<DagProblem, 'file' | 'dagId'>) => void;

function compileSchedule(config: Dag<unknown, Record<string, unknown>>['config'], report: Report): PlanSchedule | undefined {
  const timezone = config.timezone ?? 'UTC';
  if (typeof timezone !== 'string' || checkTimezone(timezone)) {
    report({ field: 'timezone', message: typeof timezone === 'string' ? (checkTimezone(timezone) as string) : 'must be a string' });
  }
  if (config.catchup !== undefined && typeof config.catchup !== 'boolean') report({ field: 'catchup', message: 'must be true or false' });
  const maxActiveRuns = config.maxActiveRuns ?? 1;
  if (!Number.isInteger(maxActiveRuns) || maxActiveRuns < 1) report({ field: 'maxActiveRuns', message: `must be a whole number >= 1, got ${describeValue(maxActiveRuns)}` });
  if (config.schedule === undefined || config.schedule === null) return undefined;
  if (typeof config.schedule !== 'string') {
    report({ field: 'schedule', message: 'must be a cron string such as "0 2 * * *" or a preset such as "@daily"' });
    return undefined;
  }
  const cronProblem = checkCron(config.schedule, typeof timezone === 'string' && !checkTimezone(timezone) ? timezone : 'UTC');
  if (cronProblem) report({ field: 'schedule', message: cronProblem });
  return {
    cron: expandCronPreset(config.schedule),
    source: config.schedule,
    timezone,
    catchup: config.catchup ?? false,
    maxActiveRuns,
  };
}

function compileTasks(dag: Dag<unknown, Record<string, unknown>>, report: Report): PlanTask[] {
  const definitions = Array.isArray(dag.tasks) ? dag.tasks : [];
  if (definitions.length === 0) report({ message: 'the DAG has no tasks' });
  const byId = new Map<string, PlanTask>();
  const optionProblems: OptionProblem[] = [];
  for (const [index, def] of definitions.entries()) {
    if (typeof def !== 'object' || def === null) {
      report({ field: `tasks[${index}]`, message: `${describeValue(def)} is not a task; add tasks with .task(), .map(), .branch() or .approval()` });
      continue;
    }
    const taskId = typeof def.id === 'string' ? def.id : describeValue(def.id);
    const taskReport = (field: string | undefined, message: string) => report({ taskId, ...(field ? { field } : {}), message });
    if (typeof def.id !== 'string' || !ID_PATTERN.test(def.id)) taskReport('id', `task id ${describeValue(def.id)} ${ID_RULE}`);
    if (byId.has(taskId)) {
      taskReport('id', `task id "${taskId}" is used more than once in this DAG`);
      continue;
    }
    if (!TASK_KINDS.includes(def.kind)) taskReport('kind', `unknown task kind ${describeValue(def.kind)} (known: ${TASK_KINDS.join(', ')})`);
    if (def.kind !== 'approval' && typeof def.body !== 'function') taskReport('body', 'the task needs a body: an async function (ctx) => output');
    const triggerRule = (def.triggerRule ?? 'all_success') as TriggerRule;
    if (!TRIGGER_RULES.includes(triggerRule)) taskReport('triggerRule', `unknown trigger rule ${describeValue(def.triggerRule)} (known: ${TRIGGER_RULES.join(', ')})`);
    const needs = Array.isArray(def.needs) ? [...def.needs] : [];
    if (!Array.isArray(def.needs)) taskReport('needs', 'must be an array of task ids');
    if (new Set(needs).size !== needs.length) taskReport('needs', 'lists the same task more than once');
    optionProblems.length = 0;
    const options = resolveTaskOptions(dag.config?.defaults, def.options, optionProblems, 'options');
    for (const p of optionProblems) taskReport(p.field, p.message);
    const task: PlanTask = { id: taskId, kind: def.kind, needs, triggerRule, options };
    if (def.kind === 'map') {
      // The interpreter reads the mapped list from this upstream's output, so it must run first.
      if (typeof def.mapOver !== 'string' || !needs.includes(def.mapOver)) taskReport('over', `must name one of the task's needs, got ${describeValue(def.mapOver)}`);
      task.mapOver = def.mapOver;
      if (def.mapBatchSize !== undefined) {
        if (!Number.isInteger(def.mapBatchSize) || def.mapBatchSize < 1 || def.mapBatchSize > 2000) {
          taskReport('batchSize', `must be a whole number from 1 to 2000, got ${describeValue(def.mapBatchSize)}`);
        } else task.mapBatchSize = def.mapBatchSize;
      }
    }
    if (def.kind === 'approval') {
      const timeout = def.approvalTimeout === undefined ? null : parseDuration(def.approvalTimeout);
      if (timeout === null || timeout <= 0) taskReport('timeout', `approval needs a timeout such as "2d", got ${describeValue(def.approvalTimeout)}`);
      else task.approvalTimeoutMs = timeout;
    }
    byId.set(taskId, task);
  }
  for (const task of byId.values()) {
    for (const up of task.needs) {
      if (!byId.has(up)) report({ taskId: task.id, field: 'needs', message: `depends on unknown task ${describeValue(up)}` });
    }
  }
  const ids = [...byId.keys()];
  const needs = new Map(ids.map((id) => [id, byId.get(id)?.needs.filter((up) => byId.has(up)) ?? []]));
  const order = topologicalOrder(ids, needs);
  if (!order) {
    const cycle = findCycle(ids, needs) ?? [];
    report({ taskId: cycle[0], field: 'needs', message: `cycle: ${cycle.join(' -> ')}` });
    return [...byId.values()];
  }
  return order.map((id) => byId.get(id) as PlanTask);
}

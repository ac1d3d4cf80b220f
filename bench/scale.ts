import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DEFAULT_MAP_BATCH_SIZE, DEFAULT_MAX_HISTORY_EVENTS, type Plan } from '../plan/types.ts';
import { loadDagFolder } from '../sdk/load.ts';
import { runTsChild } from './child-process.ts';
import { bundleBaselineWorkflows } from './orchestration-workers.ts';
import { REPO_ROOT } from './paths.ts';
import { measureRunTree } from './run-tree.ts';
import type { ScaleChildReport, ScaleChildRequest, ScaleEngine } from './scale-child.ts';
import { ratio, round } from './stats.ts';

/** The DAGs the scale tests run in CI. */
export const SCALE_DAGS_DIR = path.join(REPO_ROOT, 'test', 'dags-scale');
/** Temporal warns at 10,240 events in one history (and stops a workflow at 51,200). */
export const HISTORY_EVENTS_WARNING = 10_240;
export const WORKER_RSS_TARGET_MIB = 1024;
const CHILD = path.join(REPO_ROOT, 'bench', 'scale-child.ts');
const HISTORY_PAGE_BYTES = 64 * 1024 * 1024;

export interface ScaleRun {
  workflowId: string;
  /** Start call -> result, in the worker's process. */
  wallMs: number;
  idleRssMiB: number;
  peakRssMiB: number;
  /** The run's workflow plus every child workflow (and continuation) in its tree. */
  workflows: number;
  maxHistoryEvents: number;
  totalHistoryEvents: number;
}

export interface ScaleCase {
  name: 'fan-out' | 'static' | 'static-continued';
  /** For people, e.g. "fan-out of 10,000 at run time". */
  title: string;
  dagId: string;
  /** Activities a Weir run executes (a map counts one per instance). */
  tasks: number;
  /** What the plain Temporal baseline runs. */
  baseline: string;
  /** Engines in the order they ran. */
  order: ScaleEngine[];
  weir: ScaleRun;
  plain: ScaleRun;
  /** Weir / plain. */
  wallRatio: number;
  rssRatio: number;
}

export interface ScaleResult {
  historyEventsWarning: number;
  rssTargetMiB: number;
  cases: ScaleCase[];
}

export interface ScaleOptions {
  temporalAddress: string;
  databaseUrl: string;
  bundlePath: string;
  /** Items the fan-out DAG maps over (its param `n`). */
  fanOut: number;
  /** Also run the 20,000-task static DAG (several minutes on 2 cores). */
  largeStatic: boolean;
  /** Only these cases, by name; default all. */
  cases?: ScaleCase['name'][];
  scratchDir: string;
  log: (line: string) => void;
}

type CaseSpec = Pick<ScaleCase, 'name' | 'title' | 'dagId' | 'tasks' | 'baseline' | 'order'> & Pick<ScaleChildRequest, 'params' | 'plainWorkflow'>;

/**
 * The CI scale DAGs on the bench stack, each run once by Weir and once by a plain Temporal
 * workflow of the same shape, every run in a fresh worker process: wall time, the worker's
 * peak RSS, and the size of the run's tree of workflows and histories.
 */
export async function runScaleBenchmark(options: ScaleOptions): Promise<ScaleResult> {
  const catalog = await loadDagFolder(SCALE_DAGS_DIR);
  const planOf = (dagId: string): Plan => {
    const plan = catalog.dags.get(dagId)?.plan;
    if (!plan) throw new Error(`${SCALE_DAGS_DIR} has no DAG ${dagId}: ${catalog.problems.map((p) => p.message).join('; ')}`);
    return plan;
  };
  const specs = [fanOutCase(planOf('fanout_10k'), options.fanOut), staticCase(planOf('static_2000'))];
  if (options.largeStatic) specs.push(continuedStaticCase(planOf('static_20000')));
  if (options.cases) specs.splice(0, specs.length, ...specs.filter((spec) => options.cases?.includes(spec.name)));
  const baselineBundlePath = path.join(options.scratchDir, 'baseline-workflows.js');
  await writeFile(baselineBundlePath, (await bundleBaselineWorkflows()).code);
  // One execution of a large static run holds the carried run twice (its input and the next
  // one's), a page of history over gRPC's default 4 MB; the tree walk reads whole histories.
  const clientConnection = await Connection.connect({ address: options.temporalAddress, channelArgs: { 'grpc.max_receive_message_length': HISTORY_PAGE_BYTES } });
  const client = new Client({ connection: clientConnection, namespace: 'default' });
  try {
    const cases: ScaleCase[] = [];
    for (const spec of specs) {
      const runs: Partial<Record<ScaleEngine, ScaleRun>> = {};
      for (const engine of spec.order) {
        options.log(`  ${spec.name}: ${engine === 'weir' ? `Weir, ${spec.dagId}` : `plain Temporal, ${spec.baseline}`}`);
        const { report } = await runTsChild<ScaleChildReport>(CHILD, [await writeRequest({ ...options, baselineBundlePath }, spec, engine)]);
        const tree = await measureRunTree(client, report.workflowId);
        runs[engine] = { workflowId: report.workflowId, wallMs: round(report.runMs), idleRssMiB: report.idleRssMiB, peakRssMiB: report.peakRssMiB, ...tree };
        options.log(`    ${round(report.runMs / 1000)} s, peak RSS ${report.peakRssMiB} MiB, ${tree.workflows} workflow(s), largest history ${tree.maxHistoryEvents} events`);
      }
      cases.push(toCase(spec, runs as Record<ScaleEngine, ScaleRun>));
    }
    return { historyEventsWarning: HISTORY_EVENTS_WARNING, rssTargetMiB: WORKER_RSS_TARGET_MIB, cases };
  } finally {
    await clientConnection.close();
  }
}

/** The map's items run in child workflows of its batch size; the baseline splits the same way. */
function fanOutCase(plan: Plan, items: number): CaseSpec {
  const map = plan.tasks.find((task) => task.kind === 'map');
  const batchSize = map?.mapBatchSize ?? DEFAULT_MAP_BATCH_SIZE;
  const children = Math.ceil(items / batchSize);
  return {
    name: 'fan-out',
    title: `fan-out of ${items.toLocaleString('en-US')} at run time`,
    dagId: plan.dagId,
    tasks: plan.tasks.length - 1 + items,
    baseline: `${items.toLocaleString('en-US')} no-op activities in ${children} child workflows of up to ${batchSize}`,
    order: ['weir', 'plain'],
    params: { n: items },
    plainWorkflow: { type: 'rawSplitFanOut', args: [items, batchSize] },
  };
}

/** The baseline runs the same graph: each activity starts once those it needs have finished. */
function staticCase(plan: Plan): CaseSpec {
  return {
    name: 'static',
    title: `static DAG of ${plan.tasks.length.toLocaleString('en-US')} tasks`,
    dagId: plan.dagId,
    tasks: plan.tasks.length,
    baseline: `${plan.tasks.length.toLocaleString('en-US')} no-op activities with the DAG's dependencies, in one workflow`,
    order: ['plain', 'weir'],
    params: {},
    plainWorkflow: { type: 'rawGraph', args: [Object.fromEntries(plan.tasks.map((task) => [task.id, task.needs]))] },
  };
}

/**
 * More tasks than one history holds: Weir continues the run as new when its history budget is
 * spent. A single plain workflow of this graph would pass Temporal's 51,200-event limit, so the
 * baseline splits the same way by hand: it starts activities while its history has room, then
 * continues as new with the ids already done.
 */
function continuedStaticCase(plan: Plan): CaseSpec {
  return {
    ...staticCase(plan),
    name: 'static-continued',
    baseline: `${plan.tasks.length.toLocaleString('en-US')} no-op activities with the DAG's dependencies, continued as new every ${DEFAULT_MAX_HISTORY_EVENTS.toLocaleString('en-US')} events`,
    plainWorkflow: { type: 'rawGraphContinued', args: [Object.fromEntries(plan.tasks.map((task) => [task.id, task.needs])), [], DEFAULT_MAX_HISTORY_EVENTS] },
  };
}

async function writeRequest(options: ScaleOptions & { baselineBundlePath: string }, spec: CaseSpec, engine: ScaleEngine): Promise<string> {
  const request: ScaleChildRequest = {
    engine,
    temporalAddress: options.temporalAddress,
    databaseUrl: options.databaseUrl,
    bundlePath: options.bundlePath,
    baselineBundlePath: options.baselineBundlePath,
    dagsDir: SCALE_DAGS_DIR,
    dagId: spec.dagId,
    params: spec.params,
    plainWorkflow: spec.plainWorkflow,
  };
  const file = path.join(options.scratchDir, `scale-${spec.name}-${engine}.json`);
  await writeFile(file, JSON.stringify(request));
  return file;
}

function toCase(spec: CaseSpec, runs: Record<ScaleEngine, ScaleRun>): ScaleCase {
  const { params: _params, plainWorkflow: _plain, ...described } = spec;
  return { ...described, ...runs, wallRatio: ratio(runs.weir.wallMs, runs.plain.wallMs), rssRatio: ratio(runs.weir.peakRssMiB, runs.plain.peakRssMiB) };
}

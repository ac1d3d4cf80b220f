import { driftSection, type DriftResult } from './drift.ts';
import { csvMemorySection, type CsvMemoryResult } from './csv-memory.ts';
import { driftCsvMemorySection, type DriftCsvMemoryResult } from './drift-csv-memory.ts';
import { evidentlySection, type EvidentlyComparison } from './drift-evidently.ts';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cliStartupSection, type CliStartupResult } from './cli-startup.ts';
import { uiSection, type UiBenchResult } from './ui.ts';
import type { ColdStartResult } from './cold-start.ts';
import type { LoadingResult } from './dag-loading.ts';
import type { ValidateResult } from './dags-validate.ts';
import type { TriggerWaitResult } from './trigger-wait.ts';
import { LOAD_VARIANT_LABELS, LOAD_VARIANTS, type LoadResult } from './load.ts';
import { VARIANT_LABELS, VARIANTS, type OrchestrationResult } from './orchestration.ts';
import type { ScaleCase, ScaleResult, ScaleRun } from './scale.ts';
import { ms } from './stats.ts';

export interface BenchResults {
  startedAt: string;
  durationS: number;
  machine: { node: string; platform: string; cpus: number; cpuModel: string; commit: string | null; loadAverageAtStart: number; loadAverageAtEnd: number };
  orchestration?: OrchestrationResult;
  loading?: LoadingResult;
  validate?: ValidateResult;
  triggerWait?: TriggerWaitResult;
  coldStart?: ColdStartResult;
  drift?: DriftResult;
  csvMemory?: CsvMemoryResult;
  driftCsvMemory?: DriftCsvMemoryResult;
  driftVsEvidently?: EvidentlyComparison;
  load?: LoadResult;
  scale?: ScaleResult;
  cli?: CliStartupResult;
  ui?: UiBenchResult;
}

export async function writeResults(dir: string, results: BenchResults, markdown: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(path.join(dir, 'latest.md'), markdown);
}

const row = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
const table = (header: readonly string[], rows: readonly (readonly (string | number)[])[]) =>
  [row(header), row(header.map(() => '---')), ...rows.map(row)].join('\n');
const x = (value: number) => `${value.toFixed(2)}x`;

export function renderMarkdown(results: BenchResults): string {
  const { machine } = results;
  const parts = [
    '# Weir benchmarks',
    '',
    `${results.startedAt}, ${results.durationS} s in all. Node ${machine.node}, ${machine.platform}, ${machine.cpus} CPU(s) (${machine.cpuModel}), commit ${machine.commit ?? 'unknown'}. ` +
      `1-minute load average ${machine.loadAverageAtStart} at the start, ${machine.loadAverageAtEnd} at the end: anything near or above the CPU count means other work shared the machine and inflated the absolute times.`,
    'Every ratio compares against a baseline measured in the same run; nothing here is asserted.',
    '',
    summarySection(results),
  ];
  if (results.orchestration) parts.push('', orchestrationSection(results.orchestration));
  if (results.loading) parts.push('', loadingSection(results.loading));
  if (results.validate) parts.push('', validateSection(results.validate));
  if (results.triggerWait) parts.push('', triggerWaitSection(results.triggerWait));
  if (results.coldStart) parts.push('', coldStartSection(results.coldStart));
  if (results.drift) parts.push('', driftSection(results.drift));
  if (results.csvMemory) parts.push('', csvMemorySection(results.csvMemory));
  if (results.driftCsvMemory) parts.push('', driftCsvMemorySection(results.driftCsvMemory));
  if (results.driftVsEvidently) parts.push('', evidentlySection(results.driftVsEvidently));
  if (results.load) parts.push('', loadSection(results.load));
  if (results.scale) parts.push('', scaleSection(results.scale));
  if (results.cli) parts.push('', cliStartupSection(results.cli));
  if (results.ui) parts.push('', uiSection(results.ui));
  return `${parts.join('\n')}\n`;
}

function summarySection(results: BenchResults): string {
  const rows: (string | number)[][] = [];
  for (const shape of results.orchestration?.shapes ?? []) {
    const weir = shape.variants.weir;
    rows.push([`${shape.tasks}-task ${shape.shape}`, ms(weir.medianMs), `plain Temporal ${ms(shape.variants.raw.medianMs)}`, x(weir.ratioToRaw), '<= 1.20x']);
  }
  const loading = results.loading;
  if (loading) {
    rows.push([`load ${loading.files} DAGs, cold`, ms(loading.weirCold.loadMs), `plain modules ${ms(loading.plainCold.loadMs)}`, x(loading.ratioCold), `< ${ms(loading.targetMs)}`]);
  }
  const validate = results.validate;
  if (validate) {
    rows.push([`\`dags validate\` ${validate.files} files, cold (isolated)`, ms(validate.coldMs), `previous in-process path ${ms(validate.legacyMs)}`, x(validate.ratioCold), '<= 1.00x']);
    rows.push([`\`dags validate\` ${validate.files} files, warm (no file changed)`, ms(validate.warmMs), '-', '-', `< ${ms(validate.warmTargetMs)}`]);
  }
  const trigger = results.triggerWait;
  if (trigger) rows.push([`\`trigger --wait\`, ${trigger.tasks}-task no-op chain`, ms(trigger.cliMs), `the run's own span ${ms(trigger.spanMs)}`, x(trigger.ratio), `<= ${trigger.target.toFixed(2)}x`]);
  const cold = results.coldStart;
  if (cold) {
    rows.push(['worker start to first poll, prebundled', ms(cold.prebundled.firstPollMs), `bundling on the fly ${ms(cold.bundleOnTheFly.firstPollMs)}`, x(cold.ratio), 'lower is better']);
  }
  const load = results.load;
  if (load) {
    const { weir, raw } = load.variants;
    rows.push([`${load.concurrentRuns} concurrent ${load.tasksPerRun}-task runs, throughput`, `${weir.throughputPerS} runs/s`, `plain Temporal ${raw.throughputPerS} runs/s`, x(load.throughputRatio), 'higher is better']);
    rows.push([`${load.concurrentRuns} concurrent ${load.tasksPerRun}-task runs, p95 latency`, ms(weir.p95Ms), `plain Temporal ${ms(raw.p95Ms)}`, x(load.p95Ratio), 'lower is better']);
  }
  for (const scaleCase of results.scale?.cases ?? []) rows.push(scaleSummaryRow(scaleCase, results.scale as ScaleResult));
  const cli = results.cli;
  if (cli) {
    rows.push(['`weir --help`, CPU', ms(cli.help.weirCpuMs), `node -e 0 ${ms(cli.help.nodeCpuMs)}`, x(cli.help.ratio), '<= 4.00x']);
    rows.push(['`weir runs list`, wall', ms(cli.runsList.weirMs), `temporal workflow list ${ms(cli.runsList.temporalMs)}`, x(cli.runsList.ratio), '<= 500 ms']);
  }
  return ['## Summary', '', table(['benchmark', 'Weir', 'baseline (same run)', 'ratio', 'target'], rows)].join('\n');
}

function orchestrationSection(result: OrchestrationResult): string {
  const wall = result.shapes.flatMap((shape) =>
    VARIANTS.map((variant) => {
      const v = shape.variants[variant];
      return [shape.shape, VARIANT_LABELS[variant], ms(v.medianMs), v.runsMs.map((t) => Math.round(t)).join(', '), variant === 'raw' ? '-' : ms(v.overheadPerTaskMs), x(v.ratioToRaw)];
    }),
  );
  const profile = result.shapes.flatMap((shape) =>
    VARIANTS.filter((variant) => variant !== 'weir-wait').map((variant) => {
      const p = shape.variants[variant].profile;
      return [
        shape.shape,
        variant,
        ms(p.totalMs),
        ms(p.startToFirstTaskMs),
        ms(p.taskQueueMs),
        ms(p.taskRunMs),
        shape.shape === 'chain' ? ms(p.turnaroundMs) : '-',
        ms(p.lastTaskToEndMs),
        ms(p.workflowTaskQueueMs),
        ms(p.workflowTaskRunMs),
        `${p.engineActivities} / ${ms(p.engineActivitiesMs)}`,
        p.workflowTasks,
        p.events,
        Math.round(p.inputBytesPerTask),
      ];
    }),
  );
  const pg = result.postgres;
  return [
    `## 1. Orchestration overhead: ${result.tasks} no-op tasks`,
    '',
    `Median wall time from start to result, ${result.measuredRuns} measured runs after ${result.warmupRuns} warm-up, same server and worker settings. ` +
      'Chain = each task needs the previous one (the baseline awaits activities one by one); fan-out = independent tasks (the baseline uses Promise.all). ' +
      'Overhead per task = (variant - plain) / tasks.',
    '',
    table(['shape', 'variant', 'median', 'runs (ms)', 'overhead / task', 'ratio to plain'], wall),
    '',
    '### Where the time goes (medians, from event times in each run\'s Temporal history)',
    '',
    table(
      ['shape', 'variant', 'start to end', 'start to first task', 'task queued (scheduled to started)', 'task run (started to completed)', 'turnaround (completed to next scheduled)', 'last task to end', 'workflow task queued', 'workflow task run', 'engine activities / time', 'workflow tasks', 'events', 'input bytes / task'],
      profile,
    ),
    '',
    `Postgres run-record writes timed alone: one task attempt written on its own ${ms(pg.attemptWriteMs)}; one batch of ${pg.tasks} attempts in one statement ` +
      `${ms(pg.attemptBatchWriteMs)} (the task runner's reports are batched like this, at most every 100 ms, beside the task bodies); ` +
      `one ${pg.tasks}-task run snapshot ${ms(pg.snapshotWriteMs)} (written when the run starts and when it ends).`,
  ].join('\n');
}

function loadingSection(result: LoadingResult): string {
  const rows = [
    ['Weir `loadDagFolder`, cold tsx cache', ms(result.weirCold.loadMs), ms(result.weirCold.processMs), ms(result.weirCold.sdkImportMs), x(result.ratioCold)],
    ['plain modules, cold tsx cache (baseline)', ms(result.plainCold.loadMs), ms(result.plainCold.processMs), '-', '1.00x'],
    ['Weir `loadDagFolder`, warm tsx cache', ms(result.weirWarm.loadMs), ms(result.weirWarm.processMs), ms(result.weirWarm.sdkImportMs), x(result.ratioWarm)],
    ['plain modules, warm tsx cache (baseline)', ms(result.plainWarm.loadMs), ms(result.plainWarm.processMs), '-', '1.00x'],
    ['tsx startup, empty script', '-', ms(result.tsxStartupMs), '-', '-'],
  ];
  return [
    `## 2. DAG loading: ${result.files} files of ${result.tasksPerDag} tasks, fresh process each time`,
    '',
    `Medians of ${result.measuredRuns} runs after a warm-up. Target: the cold load under ${ms(result.targetMs)}. ` +
      `Weir's own cost over the baseline, cold: ${ms(result.weirCostPerFileMs)} per file.`,
    '',
    table(['variant', 'load call', 'whole process', 'SDK import', 'ratio to plain'], rows),
    '',
    result.baseline,
  ].join('\n');
}

function validateSection(result: ValidateResult): string {
  const rows = [
    ['compiled: previous path, one bundle, in process (baseline)', ms(result.legacyMs), '1.00x'],
    ['compiled: cold, compiled and run in the isolated loading process (`--no-cache`)', ms(result.coldMs), x(result.ratioCold)],
    ['sources (tsx): previous path, in process', ms(result.sourceLegacyMs), '1.00x'],
    ['sources (tsx): cold, isolated', ms(result.sourceColdMs), x(result.ratioSourceCold)],
    ['warm: no file changed, results from the content-hash cache', ms(result.warmMs), x(result.warmMs / result.legacyMs)],
    ['`weir dags validate --no-typecheck`, warm, whole CLI process', ms(result.cliWarmMs), '-'],
    ['`weir --help`, whole CLI process (start-up floor)', ms(result.cliHelpMs), '-'],
  ];
  return [
    `## 2b. \`weir dags validate\` on the ${result.files}-file folder`,
    '',
    `Medians of ${result.measuredRuns} runs after a warm-up. Targets: cold no slower than the previous path; warm under ${ms(result.warmTargetMs)}.`,
    '',
    table(['variant', 'load (fresh process)', 'ratio to baseline'], rows),
    '',
    result.baseline,
  ].join('\n');
}

function triggerWaitSection(result: TriggerWaitResult): string {
  return [
    `## 2c. \`weir trigger <dag> --wait\` on a ${result.tasks}-task chain of no-op tasks`,
    '',
    `Medians of ${result.measuredRuns} runs after a warm-up: CLI spawn to exit ${ms(result.cliMs)} (runs: ${result.runsCliMs.join(', ')} ms), ` +
      `the run's span ${ms(result.spanMs)} (runs: ${result.runsSpanMs.join(', ')} ms); ratio ${x(result.ratio)}, target <= ${result.target.toFixed(2)}x.`,
    '',
    'Where the time outside the span goes (medians; from the spawn and exit times and the run\'s history event times):',
    '',
    table(
      ['part', 'time'],
      [
        ['CLI before the run starts (Node, modules, config, DAG lookup, the start call)', ms(result.breakdown.cliBeforeStartMs)],
        ['engine: run started to first task start (first workflow task: plan, params, first record)', ms(result.breakdown.engineBeforeFirstTaskMs)],
        ['engine: last task end to run close (last workflow task: final run record)', ms(result.breakdown.engineAfterLastTaskMs)],
        ['CLI after the close (noticing it, printing, exit)', ms(result.breakdown.cliAfterCloseMs)],
      ],
    ),
    '',
    result.baseline,
  ].join('\n');
}

function coldStartSection(result: ColdStartResult): string {
  const rows = [
    ['prebundled (`workflowBundle.codePath`)', ms(result.prebundled.firstPollMs), ms(result.prebundled.runningMs), ms(result.prebundled.importsMs), ms(result.prebundled.createMs), result.prebundled.runsFirstPollMs.map(Math.round).join(', ')],
    ['bundled on the fly (`workflowsPath`, baseline)', ms(result.bundleOnTheFly.firstPollMs), ms(result.bundleOnTheFly.runningMs), ms(result.bundleOnTheFly.importsMs), ms(result.bundleOnTheFly.createMs), result.bundleOnTheFly.runsFirstPollMs.map(Math.round).join(', ')],
  ];
  return [
    '## 3. Worker cold start',
    '',
    `A fresh \`createWeirWorker\` process each time; medians of ${result.measuredRuns} runs after a warm-up. ` +
      'First poll = spawn until the server lists a workflow-task poller on the new queue (DescribeTaskQueue, polled every 20 ms). ' +
      `RUNNING = process start until \`worker.getState()\` is RUNNING, measured in the child. Ratio prebundled / on the fly: ${x(result.ratio)}.`,
    '',
    table(['variant', 'spawn to first poll', 'process start to RUNNING', 'imports done', 'createWeirWorker alone', 'runs, first poll (ms)'], rows),
  ].join('\n');
}

function loadSection(result: LoadResult): string {
  const rows = LOAD_VARIANTS.map((variant) => {
    const v = result.variants[variant];
    return [LOAD_VARIANT_LABELS[variant], `${v.completed} / ${v.started}`, v.lost, `${v.throughputPerS} runs/s`, v.roundsThroughputPerS.join(', '), ms(v.p50Ms), ms(v.p95Ms), ms(v.maxMs)];
  });
  return [
    `## 5. Load: ${result.concurrentRuns} concurrent runs of ${result.tasksPerRun} no-op tasks on one worker`,
    '',
    `Each round starts ${result.concurrentRuns} runs at once and awaits every \`handle.result()\`; ${result.measuredRounds} measured rounds after a warm-up of ${result.warmupRuns} runs, variant order alternating. ` +
      'Throughput = completed runs / (last result - first trigger), median over rounds. Latency = trigger to result of each run, percentiles over all measured runs. ' +
      `Lost = failed or never completed. Weir / plain: throughput ${x(result.throughputRatio)}, p50 ${x(result.p50Ratio)}, p95 ${x(result.p95Ratio)}.`,
    '',
    table(['variant', 'completed', 'lost', 'throughput', 'rounds (runs/s)', 'p50 latency', 'p95 latency', 'max latency'], rows),
  ].join('\n');
}

const count = (value: number) => value.toLocaleString('en-US');
const seconds = (value: number) => `${(value / 1000).toFixed(1)} s`;
const mebibytes = (value: number) => (value % 1024 === 0 ? `${value / 1024} GiB` : `${value} MiB`);
const scaleFigures = (run: ScaleRun) => `${seconds(run.wallMs)}, peak RSS ${run.peakRssMiB} MiB, ${run.workflows} workflow(s), largest history ${count(run.maxHistoryEvents)} events`;

function scaleSummaryRow(c: ScaleCase, result: ScaleResult): (string | number)[] {
  return [c.title, scaleFigures(c.weir), `plain Temporal ${scaleFigures(c.plain)}`, `${x(c.wallRatio)} time`, `worker < ${mebibytes(result.rssTargetMiB)}, < ${count(result.historyEventsWarning)} events per history`];
}

function scaleSection(result: ScaleResult): string {
  const within = (run: ScaleRun) => (run.peakRssMiB < result.rssTargetMiB && run.maxHistoryEvents < result.historyEventsWarning ? 'yes' : 'no');
  const rows = result.cases.flatMap((c) =>
    (['weir', 'plain'] as const).map((engine) => {
      const run = c[engine];
      const variant = engine === 'weir' ? `Weir, \`${c.dagId}\`, ${count(c.tasks)} tasks` : `plain Temporal (baseline): ${c.baseline}`;
      const order = c.order.indexOf(engine) + 1;
      return [c.title, variant, order, seconds(run.wallMs), `${run.idleRssMiB} -> ${run.peakRssMiB} MiB`, run.workflows, count(run.maxHistoryEvents), count(run.totalHistoryEvents), within(run)];
    }),
  );
  const ratios = result.cases.map((c) => `${c.name}: time ${x(c.wallRatio)}, peak RSS ${x(c.rssRatio)}`).join('; ');
  return [
    '## 6. Scale: the CI scale DAGs (`test/dags-scale/`)',
    '',
    'One run per variant, each in a fresh worker process that starts the run and awaits its result. ' +
      'Wall time = start call to result. RSS = the worker process once it polls, then its peak (worker, client and the run\'s result). ' +
      'Workflows and history events are counted by walking the run\'s tree through its histories (child workflows, continue-as-new). ' +
      `The limits are Temporal's warning at ${count(result.historyEventsWarning)} events in one history and a worker under ${mebibytes(result.rssTargetMiB)}. ` +
      `Weir / plain: ${ratios}.`,
    '',
    table(['case', 'variant', 'order', 'wall time', 'worker RSS idle -> peak', 'workflows', 'largest history (events)', 'all histories (events)', 'within limits'], rows),
  ].join('\n');
}

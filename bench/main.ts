/**
 * `npm run bench`: starts a private Temporal dev server and Postgres, runs every benchmark,
 * prints a Markdown report and writes bench/results/latest.{json,md}. Asserts nothing about time.
 *
 *   npm run bench                          # everything, about 25 minutes on 2 cores (scale alone 15)
 *   npm run bench -- --only loading        # orchestration | loading | validate | trigger | cold-start | drift | csv-memory | drift-csv-memory | load | scale | cli | ui, comma separated
 *   BENCH_CSV_BYTES=500000000 npm run bench # size of the csv-memory benchmark's CSV (default 2 GB)
 *   BENCH_RUNS=5 npm run bench             # measured runs per case (default 3; the orchestration cases at least 7)
 *   BENCH_LOAD_RUNS=50 npm run bench       # concurrent runs per round in the load benchmark (default 200)
 *   BENCH_SCALE_FANOUT=2000 npm run bench  # items of the scale benchmark's fan-out (default 10,000)
 *   BENCH_UI_FANOUT=2000 npm run bench     # items of the fan-out whose run page the ui benchmark loads (default 10,000)
 *   BENCH_SCALE_LARGE_STATIC=0 npm run bench -- --only scale   # without the 20,000-task static DAG
 *   BENCH_SCALE_CASES=static-continued npm run bench -- --only scale   # only some scale cases: fan-out, static, static-continued
 *   BENCH_KEEP_GENERATED=1 npm run bench   # keep bench/.generated/ afterwards
 */
import { execFileSync } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { resolveTemporalBinary } from '../infra/temporal-binary.ts';
import { prebundleWorkflows } from '../worker/workflow-bundle.ts';
import { runCliStartupBenchmark } from './cli-startup.ts';
import { runColdStartBenchmark } from './cold-start.ts';
import { runDriftBenchmark } from './drift.ts';
import { runCsvMemoryBenchmark } from './csv-memory.ts';
import { runDriftCsvMemoryBenchmark } from './drift-csv-memory.ts';
import { runEvidentlyComparison } from './drift-evidently.ts';
import { runLoadingBenchmark } from './dag-loading.ts';
import { runValidateBenchmark } from './dags-validate.ts';
import { runTriggerWaitBenchmark } from './trigger-wait.ts';
import { runLoadBenchmark } from './load.ts';
import { chainDagSource, fanOutDagSource, writeDagFolder, writeLoadCorpus } from './generate-dags.ts';
import { runOrchestrationBenchmark } from './orchestration.ts';
import { runScaleBenchmark, type ScaleCase } from './scale.ts';
import { runUiBenchmark } from './ui.ts';
import { GENERATED_DIR, REPO_ROOT, RESULTS_DIR } from './paths.ts';
import { renderMarkdown, writeResults, type BenchResults } from './report.ts';
import { startBenchStack } from './stack.ts';
import { round } from './stats.ts';

const BENCHMARKS = ['orchestration', 'loading', 'validate', 'trigger', 'cold-start', 'drift', 'csv-memory', 'drift-csv-memory', 'load', 'scale', 'cli', 'ui'] as const;
type Benchmark = (typeof BENCHMARKS)[number];

const { values } = parseArgs({ options: { only: { type: 'string' } } });
const selected = new Set<Benchmark>(values.only ? (values.only.split(',').map((name) => name.trim()) as Benchmark[]) : BENCHMARKS);
for (const name of selected) if (!BENCHMARKS.includes(name)) throw new Error(`unknown benchmark "${name}"; choose from ${BENCHMARKS.join(', ')}`);
const runs = Number(process.env.BENCH_RUNS ?? 3);
// A 100-task fan-out takes about a second, so single runs swing by a fifth; more runs steady the median.
const orchestrationRuns = Math.max(runs, 7);
const TASKS = 100;
const LOAD_FILES = 1000;
const TASKS_PER_LOADED_DAG = 20;

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
Runtime.install({ logger: new DefaultLogger('WARN') });

const began = performance.now();
const results: BenchResults = { startedAt: new Date().toISOString(), durationS: 0, machine: machineInfo() };
const scratchDir = path.join(GENERATED_DIR, 'scratch');
await mkdir(scratchDir, { recursive: true });
const orchestrationDags = await writeDagFolder(path.join(GENERATED_DIR, 'orchestration'), {
  'bench_chain.ts': chainDagSource('bench_chain', TASKS),
  'bench_fanout.ts': fanOutDagSource('bench_fanout', TASKS),
});

const needsStack = (['orchestration', 'trigger', 'cold-start', 'load', 'scale', 'cli', 'ui'] as const).some((name) => selected.has(name));
log(needsStack ? 'starting Temporal dev server and Postgres, bundling the interpreter' : 'no server needed');
const [stack, bundlePath] = needsStack
  ? await Promise.all([startBenchStack(log), prebundleWorkflows(path.join(scratchDir, 'workflows.js'))])
  : [null, null];
try {
  if (stack && bundlePath && selected.has('orchestration')) {
    log(`1. orchestration overhead: ${TASKS}-task chain and fan-out, Weir vs plain Temporal`);
    results.orchestration = await runOrchestrationBenchmark({
      temporalAddress: stack.temporalAddress,
      databaseUrl: stack.databaseUrl,
      dagsDir: orchestrationDags,
      dagIds: { chain: 'bench_chain', 'fan-out': 'bench_fanout' },
      bundlePath,
      tasks: TASKS,
      runs: orchestrationRuns,
      log,
    });
  }
  if (selected.has('loading')) {
    log(`2. DAG loading: generating ${LOAD_FILES} DAG files of ${TASKS_PER_LOADED_DAG} tasks`);
    const corpus = await writeLoadCorpus(GENERATED_DIR, LOAD_FILES, TASKS_PER_LOADED_DAG);
    results.loading = await runLoadingBenchmark({ corpus, tasksPerDag: TASKS_PER_LOADED_DAG, runs, scratchDir, log });
  }
  if (selected.has('validate')) {
    log(`2b. weir dags validate: ${LOAD_FILES} DAG files, isolated cold and warm, vs the previous in-process path`);
    const corpus = await writeLoadCorpus(GENERATED_DIR, LOAD_FILES, TASKS_PER_LOADED_DAG);
    results.validate = await runValidateBenchmark({ corpus, runs, log });
  }
  if (stack && bundlePath && selected.has('trigger')) {
    log('2c. weir trigger --wait: a 40-task chain of no-op tasks, against the run\'s own span');
    results.triggerWait = await runTriggerWaitBenchmark({ temporalAddress: stack.temporalAddress, databaseUrl: stack.databaseUrl, bundlePath, scratchDir, tasks: 40, runs, log });
  }
  if (stack && bundlePath && selected.has('cold-start')) {
    log('3. worker cold start: prebundled interpreter vs bundling on the fly');
    results.coldStart = await runColdStartBenchmark({ temporalAddress: stack.temporalAddress, databaseUrl: stack.databaseUrl, dagsDir: orchestrationDags, bundlePath, runs, log });
  }
  if (selected.has('drift')) {
    const rows = Number(process.env.BENCH_DRIFT_ROWS ?? 10_000_000);
    log(`4. validation + drift over ${rows} rows x 20 columns, vs one DuckDB pass`);
    results.drift = await runDriftBenchmark({ dir: scratchDir, rows, log });
    const evidentlyRows = Number(process.env.BENCH_DRIFT_EVIDENTLY_ROWS ?? 1_000_000);
    log(`4b. drift vs Evidently's Report.run over ${evidentlyRows} rows x 20 columns`);
    results.driftVsEvidently = await runEvidentlyComparison({ dir: scratchDir, rows: evidentlyRows, log });
  }
  if (selected.has('csv-memory')) {
    const bytes = Number(process.env.BENCH_CSV_BYTES ?? 2e9);
    log(`4b. validation of a ${(bytes / 1e9).toFixed(1)} GB CSV: peak RSS, vs one DuckDB pass`);
    results.csvMemory = await runCsvMemoryBenchmark({ dir: scratchDir, bytes, log });
  }
  if (selected.has('drift-csv-memory')) {
    const bytes = Number(process.env.BENCH_CSV_BYTES ?? 2e9);
    log(`4c. drift of a ${(bytes / 1e9).toFixed(1)} GB CSV: peak RSS, vs one DuckDB pass`);
    results.driftCsvMemory = await runDriftCsvMemoryBenchmark({ dir: scratchDir, bytes, log });
  }
  if (stack && bundlePath && selected.has('load')) {
    const concurrentRuns = Number(process.env.BENCH_LOAD_RUNS ?? 200);
    log(`5. load: ${concurrentRuns} concurrent runs of a 10-task DAG on one worker, vs plain Temporal`);
    results.load = await runLoadBenchmark({ temporalAddress: stack.temporalAddress, databaseUrl: stack.databaseUrl, bundlePath, concurrentRuns, tasksPerRun: 10, rounds: runs, log });
  }
  if (stack && bundlePath && selected.has('scale')) {
    const fanOut = Number(process.env.BENCH_SCALE_FANOUT ?? 10_000);
    const largeStatic = process.env.BENCH_SCALE_LARGE_STATIC !== '0';
    const cases = process.env.BENCH_SCALE_CASES?.split(',').map((name) => name.trim()) as ScaleCase['name'][] | undefined;
    log(`6. scale: a fan-out of ${fanOut.toLocaleString('en-US')} at run time and static DAGs of 2,000${largeStatic ? ' and 20,000' : ''} tasks${cases ? ` (only ${cases.join(', ')})` : ''}, vs plain Temporal of the same shapes`);
    results.scale = await runScaleBenchmark({ temporalAddress: stack.temporalAddress, databaseUrl: stack.databaseUrl, bundlePath, fanOut, largeStatic, ...(cases ? { cases } : {}), scratchDir, log });
  }
  if (stack && selected.has('cli')) {
    // After the others, so `runs list` lists the runs they made, as on a used stack.
    log('7. CLI start-up: weir --help vs node -e 0 (CPU), weir runs list vs temporal workflow list (wall)');
    const temporalBin = await resolveTemporalBinary({ log });
    results.cli = runCliStartupBenchmark({ temporalAddress: stack.temporalAddress, databaseUrl: stack.databaseUrl, temporalBin, rounds: Math.max(runs, 10), log });
  }
  if (stack && bundlePath && selected.has('ui')) {
    const fanOut = Number(process.env.BENCH_UI_FANOUT ?? 10_000);
    log(`8. web view: grid of 100 runs x 50 tasks, graph of 2,000 tasks, run page of a ${fanOut.toLocaleString('en-US')}-item fan-out, in headless Chromium`);
    results.ui = await runUiBenchmark({ temporalAddress: stack.temporalAddress, databaseUrl: stack.databaseUrl, bundlePath, scratchDir, fanOut, rounds: runs, log });
  }
} finally {
  await stack?.stop();
  if (process.env.BENCH_KEEP_GENERATED !== '1') await rm(GENERATED_DIR, { recursive: true, force: true });
}

results.durationS = round((performance.now() - began) / 1000, 0);
results.machine.loadAverageAtEnd = round(os.loadavg()[0] ?? 0, 1);
const markdown = renderMarkdown(results);
await writeResults(RESULTS_DIR, results, markdown);
process.stdout.write(markdown);
log(`wrote ${path.relative(REPO_ROOT, path.join(RESULTS_DIR, 'latest.md'))} and latest.json`);

function machineInfo(): BenchResults['machine'] {
  let commit: string | null = null;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // Not a git checkout.
  }
  const load = round(os.loadavg()[0] ?? 0, 1);
  return { node: process.version, platform: `${os.platform()} ${os.release()}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', commit, loadAverageAtStart: load, loadAverageAtEnd: load };
}

import path from 'node:path';
import { triggerRun } from '../control/runs.ts';
import type { RunSnapshot } from '../plan/types.ts';
import { openBenchConnections } from './connections.ts';
import { fanOutDagSource, writeDagFolder } from './generate-dags.ts';
import { startRawWorker, startWeirWorker, type RunningWorker } from './orchestration-workers.ts';
import { GENERATED_DIR } from './paths.ts';
import { median, ratio, round } from './stats.ts';

export const LOAD_VARIANTS = ['raw', 'weir'] as const;
export type LoadVariant = (typeof LOAD_VARIANTS)[number];

export const LOAD_VARIANT_LABELS: Record<LoadVariant, string> = {
  raw: 'plain Temporal workflow, 10 no-op activities (baseline)',
  weir: 'Weir, 10-task DAG',
};

export interface LoadVariantResult {
  /** Runs started over all measured rounds. */
  started: number;
  /** Runs whose result arrived and said success. */
  completed: number;
  /** Runs that failed, or whose result never arrived: should be 0. */
  lost: number;
  /** Median over rounds of completed runs / (last completion - first trigger). */
  throughputPerS: number;
  roundsThroughputPerS: number[];
  /** Trigger (before the start call) to `handle.result()` resolving, over all measured runs. */
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface LoadResult {
  concurrentRuns: number;
  tasksPerRun: number;
  warmupRuns: number;
  measuredRounds: number;
  variants: Record<LoadVariant, LoadVariantResult>;
  /** Weir / plain, for throughput (higher is better) and latency (lower is better). */
  throughputRatio: number;
  p50Ratio: number;
  p95Ratio: number;
}

export interface LoadOptions {
  temporalAddress: string;
  databaseUrl: string;
  bundlePath: string;
  concurrentRuns: number;
  tasksPerRun: number;
  rounds: number;
  log: (line: string) => void;
}

const DAG_ID = 'bench_load';
const WARMUP_RUNS = 20;

interface RoundOutcome {
  latenciesMs: number[];
  completed: number;
  lost: number;
  wallMs: number;
}

/**
 * Many runs at once on one worker: each round starts `concurrentRuns` runs together and awaits
 * every result. Weir runs a DAG of independent no-op tasks; the baseline is a plain workflow
 * awaiting the same number of no-op activities with Promise.all, on the same server with the
 * same worker settings. The variant order alternates every round.
 */
export async function runLoadBenchmark(options: LoadOptions): Promise<LoadResult> {
  const dagsDir = await writeDagFolder(path.join(GENERATED_DIR, 'load-runs'), { [`${DAG_ID}.ts`]: fanOutDagSource(DAG_ID, options.tasksPerRun) });
  const { connection, client, db, close } = await openBenchConnections(options);
  const workers: RunningWorker[] = [];
  try {
    const [raw, weir] = await Promise.all([startRawWorker(connection), startWeirWorker(connection, db, dagsDir, options.bundlePath)]);
    workers.push(raw, weir);
    const startOne: Record<LoadVariant, (id: string) => Promise<void>> = {
      raw: async (id) => {
        const handle = await client.workflow.start('rawFanOut', { taskQueue: raw.taskQueue, workflowId: id, args: [options.tasksPerRun] });
        await handle.result();
      },
      weir: async (id) => {
        const runId = await triggerRun(client, { dagId: DAG_ID, params: {}, taskQueue: weir.taskQueue, runId: id });
        const snapshot = (await client.workflow.getHandle(runId).result()) as RunSnapshot;
        if (snapshot.status !== 'success') throw new Error(`run ${runId} ended ${snapshot.status}`);
      },
    };
    const rounds = new Map<LoadVariant, RoundOutcome[]>(LOAD_VARIANTS.map((variant) => [variant, []]));
    for (let pass = 0; pass <= options.rounds; pass++) {
      const order = pass % 2 === 0 ? LOAD_VARIANTS : [...LOAD_VARIANTS].reverse();
      for (const variant of order) {
        const count = pass === 0 ? WARMUP_RUNS : options.concurrentRuns;
        const outcome = await runRound(count, (i) => startOne[variant](`bench-load-${variant}-${pass}-${i}-${Math.random().toString(36).slice(2, 6)}`));
        const label = pass === 0 ? `warm-up (${count} runs)` : `round ${pass}/${options.rounds}`;
        options.log(`  ${variant}: ${label} ${outcome.completed}/${count} completed in ${Math.round(outcome.wallMs)} ms, ${round(throughput(outcome), 1)} runs/s`);
        if (pass > 0) rounds.get(variant)?.push(outcome);
      }
    }
    const variants = Object.fromEntries(LOAD_VARIANTS.map((variant) => [variant, summarize(rounds.get(variant) ?? [], options.concurrentRuns)])) as Record<LoadVariant, LoadVariantResult>;
    return {
      concurrentRuns: options.concurrentRuns,
      tasksPerRun: options.tasksPerRun,
      warmupRuns: WARMUP_RUNS,
      measuredRounds: options.rounds,
      variants,
      throughputRatio: ratio(variants.weir.throughputPerS, variants.raw.throughputPerS),
      p50Ratio: ratio(variants.weir.p50Ms, variants.raw.p50Ms),
      p95Ratio: ratio(variants.weir.p95Ms, variants.raw.p95Ms),
    };
  } finally {
    await Promise.allSettled(workers.map((w) => w.stop()));
    await close();
  }
}

/** Starts `count` runs at once and waits for all; a run that throws counts as lost. */
async function runRound(count: number, runOne: (index: number) => Promise<void>): Promise<RoundOutcome> {
  const began = performance.now();
  const outcomes = await Promise.allSettled(
    Array.from({ length: count }, async (_, i) => {
      const triggered = performance.now();
      await runOne(i);
      return performance.now() - triggered;
    }),
  );
  const wallMs = performance.now() - began;
  const latenciesMs = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  return { latenciesMs, completed: latenciesMs.length, lost: count - latenciesMs.length, wallMs };
}

function throughput(outcome: RoundOutcome): number {
  return outcome.completed / (outcome.wallMs / 1000);
}

function summarize(rounds: RoundOutcome[], perRound: number): LoadVariantResult {
  const latencies = rounds.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
  const perRoundThroughput = rounds.map(throughput);
  return {
    started: rounds.length * perRound,
    completed: rounds.reduce((sum, r) => sum + r.completed, 0),
    lost: rounds.reduce((sum, r) => sum + r.lost, 0),
    throughputPerS: round(median(perRoundThroughput), 1),
    roundsThroughputPerS: perRoundThroughput.map((t) => round(t, 1)),
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    maxMs: round(latencies.at(-1) ?? Number.NaN),
  };
}

/** Nearest-rank percentile of values sorted ascending. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

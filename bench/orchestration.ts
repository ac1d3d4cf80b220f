import { waitForRun, triggerRun } from '../control/runs.ts';
import type { RunSnapshot } from '../plan/types.ts';
import { openBenchConnections } from './connections.ts';
import { medianProfile, profileHistory, type HistoryProfile } from './history-profile.ts';
import { startRawWorker, startWeirWorker, startWeirWorkerWithoutPostgres, type RunningWorker } from './orchestration-workers.ts';
import { measurePostgresWrites, type PostgresWriteCosts } from './pg-writes.ts';
import { median, ratio, round } from './stats.ts';

export const VARIANTS = ['raw', 'weir', 'weir-no-pg', 'weir-wait'] as const;
export type Variant = (typeof VARIANTS)[number];

export const VARIANT_LABELS: Record<Variant, string> = {
  raw: 'plain Temporal workflow (baseline)',
  weir: 'Weir (trigger, await result)',
  'weir-no-pg': 'Weir without Postgres run records (ablation)',
  'weir-wait': 'Weir, waited like `weir trigger --wait` (500 ms query polling)',
};

export type Shape = 'chain' | 'fan-out';

export interface VariantResult {
  runsMs: number[];
  medianMs: number;
  /** (this - raw) / tasks. */
  overheadPerTaskMs: number;
  ratioToRaw: number;
  profile: HistoryProfile;
}

export interface ShapeResult {
  shape: Shape;
  tasks: number;
  variants: Record<Variant, VariantResult>;
}

export interface OrchestrationResult {
  tasks: number;
  warmupRuns: number;
  measuredRuns: number;
  shapes: ShapeResult[];
  postgres: PostgresWriteCosts;
}

export interface OrchestrationOptions {
  temporalAddress: string;
  databaseUrl: string;
  dagsDir: string;
  /** DAG ids in `dagsDir`, by shape. */
  dagIds: Record<Shape, string>;
  bundlePath: string;
  tasks: number;
  runs: number;
  log: (line: string) => void;
}

const RAW_WORKFLOW: Record<Shape, string> = { chain: 'rawChain', 'fan-out': 'rawFanOut' };

/**
 * Runs each shape with each variant: one warm-up round, then `runs` measured rounds. The order
 * of the variants rotates every round so none always runs first on a cold cache.
 */
export async function runOrchestrationBenchmark(options: OrchestrationOptions): Promise<OrchestrationResult> {
  const { connection, client, db, close } = await openBenchConnections(options);
  const workers: RunningWorker[] = [];
  try {
    const [raw, weir, weirNoPg] = await Promise.all([
      startRawWorker(connection),
      startWeirWorker(connection, db, options.dagsDir, options.bundlePath),
      startWeirWorkerWithoutPostgres(connection, db, options.dagsDir, options.bundlePath),
    ]);
    workers.push(raw, weir, weirNoPg);

    const runOnce = async (variant: Variant, shape: Shape): Promise<{ ms: number; workflowId: string }> => {
      const started = performance.now();
      if (variant === 'raw') {
        const workflowId = `bench-raw-${shape}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;
        const handle = await client.workflow.start(RAW_WORKFLOW[shape], { taskQueue: raw.taskQueue, workflowId, args: [options.tasks] });
        await handle.result();
        return { ms: performance.now() - started, workflowId };
      }
      const taskQueue = variant === 'weir-no-pg' ? weirNoPg.taskQueue : weir.taskQueue;
      const runId = await triggerRun(client, { dagId: options.dagIds[shape], params: {}, taskQueue });
      const snapshot =
        variant === 'weir-wait' ? await waitForRun(client, runId) : ((await client.workflow.getHandle(runId).result()) as RunSnapshot);
      const ms = performance.now() - started;
      if (snapshot.status !== 'success') throw new Error(`benchmark run ${runId} ended ${snapshot.status}`);
      return { ms, workflowId: runId };
    };

    const shapes: ShapeResult[] = [];
    for (const shape of ['chain', 'fan-out'] as const) {
      const times = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
      const profiles = new Map<Variant, HistoryProfile[]>(VARIANTS.map((v) => [v, []]));
      for (let pass = 0; pass <= options.runs; pass++) {
        const order = VARIANTS.map((_, i) => VARIANTS[(i + pass) % VARIANTS.length] as Variant);
        for (const variant of order) {
          const { ms, workflowId } = await runOnce(variant, shape);
          if (pass === 0) {
            options.log(`  ${shape} ${variant}: warm-up ${Math.round(ms)} ms`);
            continue;
          }
          times.get(variant)?.push(ms);
          profiles.get(variant)?.push(await profileHistory(client, workflowId));
          options.log(`  ${shape} ${variant}: run ${pass}/${options.runs} ${Math.round(ms)} ms`);
        }
      }
      const rawMedian = median(times.get('raw') ?? []);
      const variants = Object.fromEntries(
        VARIANTS.map((variant) => {
          const runsMs = (times.get(variant) ?? []).map((t) => round(t));
          const medianMs = median(runsMs);
          const result: VariantResult = {
            runsMs,
            medianMs: round(medianMs),
            overheadPerTaskMs: round((medianMs - rawMedian) / options.tasks, 2),
            ratioToRaw: ratio(medianMs, rawMedian),
            profile: roundProfile(medianProfile(profiles.get(variant) ?? [])),
          };
          return [variant, result];
        }),
      ) as Record<Variant, VariantResult>;
      shapes.push({ shape, tasks: options.tasks, variants });
    }

    options.log('  timing Postgres run-record writes alone');
    const postgres = await measurePostgresWrites(options.databaseUrl, options.tasks);
    return { tasks: options.tasks, warmupRuns: 1, measuredRuns: options.runs, shapes, postgres: { ...postgres, attemptWriteMs: round(postgres.attemptWriteMs, 2), attemptBatchWriteMs: round(postgres.attemptBatchWriteMs, 2), snapshotWriteMs: round(postgres.snapshotWriteMs, 2) } };
  } finally {
    await Promise.allSettled(workers.map((w) => w.stop()));
    await close();
  }
}

function roundProfile(profile: HistoryProfile): HistoryProfile {
  return Object.fromEntries(Object.entries(profile).map(([key, value]) => [key, round(value as number, 1)])) as unknown as HistoryProfile;
}

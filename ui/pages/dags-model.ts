import type { RunSummary } from '../../control/runs.ts';
import type { ScheduleStatus } from '../../control/schedules.ts';
import type { RunStatus } from '../../plan/types.ts';
import { formatProblem } from '../../sdk/errors.ts';
import type { UiDagCatalog } from '../deps.ts';

/** How many recent runs the DAGs page shows per DAG, newest on the right. */
export const RECENT_RUNS = 25;

export interface DagRow {
  dagId: string;
  description: string | null;
  file: string;
  tasks: number;
  /** The cron as written (`@daily`) with its timezone, or null for a DAG run only by hand. */
  schedule: { source: string; cron: string; timezone: string } | null;
  /** `unsynced`: the DAG declares a schedule but Temporal holds none yet (no worker synced it). */
  scheduleState: 'active' | 'paused' | 'unsynced' | 'none';
  nextRun: string | null;
  /** Oldest first. */
  recentRuns: { runId: string; status: RunStatus; startedAt: string }[];
  problems: string[];
}

export interface DagsPageModel {
  dags: DagRow[];
  /** Files that define no DAG because they failed to load, with their problems. */
  brokenFiles: { file: string; problems: string[] }[];
}

/** Joins the catalog, the schedules Temporal holds and each DAG's recent runs into the page's rows. */
export function buildDagsPageModel(catalog: UiDagCatalog, schedules: ReadonlyMap<string, ScheduleStatus>, runsByDag: ReadonlyMap<string, readonly RunSummary[]>): DagsPageModel {
  const problemsByDag = new Map<string, string[]>();
  const problemsByFile = new Map<string, string[]>();
  const dagFiles = new Set([...catalog.dags.values()].map((entry) => entry.plan.file));
  for (const problem of catalog.problems) {
    const line = formatProblem(problem);
    if (problem.dagId && catalog.dags.has(problem.dagId)) problemsByDag.set(problem.dagId, [...(problemsByDag.get(problem.dagId) ?? []), line]);
    else problemsByFile.set(problem.file, [...(problemsByFile.get(problem.file) ?? []), line]);
  }
  const dags = [...catalog.dags.values()]
    .map(({ plan }): DagRow => {
      const status = schedules.get(plan.dagId);
      const scheduleState = !plan.schedule ? 'none' : !status ? 'unsynced' : status.paused ? 'paused' : 'active';
      const next = scheduleState === 'active' ? status?.nextRunTimes[0] : undefined;
      return {
        dagId: plan.dagId,
        description: plan.description ?? null,
        file: plan.file,
        tasks: plan.tasks.length,
        schedule: plan.schedule ? { source: plan.schedule.source, cron: plan.schedule.cron, timezone: plan.schedule.timezone } : null,
        scheduleState,
        nextRun: next ? next.toISOString() : null,
        recentRuns: [...(runsByDag.get(plan.dagId) ?? [])]
          .sort((a, b) => a.startedAt.localeCompare(b.startedAt))
          .slice(-RECENT_RUNS)
          .map((run) => ({ runId: run.runId, status: run.status, startedAt: run.startedAt })),
        problems: [...(problemsByDag.get(plan.dagId) ?? []), ...(dagFiles.has(plan.file) ? (problemsByFile.get(plan.file) ?? []) : [])],
      };
    })
    .sort((a, b) => a.dagId.localeCompare(b.dagId));
  const brokenFiles = [...problemsByFile]
    .filter(([file]) => !dagFiles.has(file))
    .map(([file, problems]) => ({ file, problems }))
    .sort((a, b) => a.file.localeCompare(b.file));
  return { dags, brokenFiles };
}

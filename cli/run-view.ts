import type { RunDetails } from '../control/runs.ts';
import type { RunSnapshot, TaskRunState } from '../plan/types.ts';
import { formatElapsed, formatTime, renderTable } from './format.ts';

/**
 * The stable JSON shape of `weir runs show --json`; scripts depend on these names. Fields are only
 * ever added: `failure` (why the run itself failed), each task's `reason` (why it did not run)
 * and, with `outputs`, each task's `output`.
 */
export function runToJson(snapshot: RunDetails, outputs?: Record<string, unknown>) {
  return {
    runId: snapshot.runId,
    dagId: snapshot.dagId,
    status: snapshot.status,
    runType: snapshot.runType,
    logicalDate: snapshot.logicalDate,
    startedAt: snapshot.startedAt,
    endedAt: snapshot.endedAt,
    params: snapshot.params,
    ...(snapshot.failure ? { failure: snapshot.failure } : {}),
    ...(snapshot.encrypted ? { encrypted: snapshot.encrypted } : {}),
    tasks: snapshot.tasks.map((task) => ({
      id: task.id,
      state: task.state,
      attempts: task.attempts,
      startedAt: task.startedAt,
      endedAt: task.endedAt,
      error: task.error,
      kind: task.kind,
      ...(task.reason ? { reason: task.reason } : {}),
      ...(task.instances ? { instances: task.instances } : {}),
      ...(outputs && task.id in outputs ? { output: outputs[task.id] } : {}),
    })),
  };
}

export function renderRunHeader(snapshot: RunDetails): string[] {
  return [
    `run ${snapshot.runId}: ${snapshot.status}`,
    `DAG ${snapshot.dagId}, ${snapshot.runType} run, logical date ${formatTime(snapshot.logicalDate)}`,
    `started ${formatTime(snapshot.startedAt)}, ended ${formatTime(snapshot.endedAt)}`,
    ...(snapshot.failure ? [`failed: ${snapshot.failure}`] : []),
    // Params and outputs live in the run's payloads; without the key they stay unread.
    ...(snapshot.encrypted ? [`params and outputs ${snapshot.encrypted}`] : []),
  ];
}

/** Each task's output as one JSON line, for `runs show --outputs`. */
export function renderOutputs(tasks: readonly TaskRunState[], outputs: Record<string, unknown>): string[] {
  return tasks.filter((task) => task.id in outputs).map((task) => `${task.id}: ${JSON.stringify(outputs[task.id])}`);
}

export function renderTaskTable(tasks: readonly TaskRunState[]): string[] {
  return renderTable(
    ['TASK', 'STATE', 'ATTEMPTS', 'STARTED', 'TOOK', 'ERROR / REASON'],
    tasks.map((task) => [task.id, describeState(task), String(task.attempts), formatTime(task.startedAt), formatElapsed(task.startedAt, task.endedAt), task.error ?? task.reason ?? '']),
  );
}

/** A mapped task's state with how many of its instances are done, e.g. `running 2/3`. */
export function describeState(task: TaskRunState): string {
  if (!task.instances || task.instances.length === 0) return task.state;
  const finished = task.instances.filter((instance) => instance.state !== 'pending' && instance.state !== 'running').length;
  return `${task.state} ${finished}/${task.instances.length}`;
}

/** The one line `trigger --wait` ends with when a run did not succeed. */
export function describeUnsuccessfulRun(snapshot: RunSnapshot): string {
  const failed = snapshot.tasks.filter((task) => task.state === 'failed');
  const detail = failed.map((task) => `${task.id}: ${task.error ?? 'failed'}`).join('; ');
  return `run ${snapshot.runId} ${snapshot.status}${detail ? ` (${detail})` : ''}; see \`weir runs show ${snapshot.runId}\``;
}

import { TASK_STATES, type MapInstanceState, type RunSnapshot, type TaskKind, type TaskRunState, type TaskState } from './types.ts';

const KINDS: readonly TaskKind[] = ['task', 'branch', 'map', 'approval'];

/**
 * One task's state in a packed snapshot: [id, kind index, state index, attempts, start, end,
 * error, reason, instances]. Times are milliseconds after the snapshot's `timeBase`; trailing
 * empty fields are left out.
 */
export type PackedTaskState = [string, number, number, number, (number | null)?, (number | null)?, (string | null)?, (string | null)?, PackedInstance[]?];
/** One mapped instance: [state index, attempts, error]; its index is its position. */
export type PackedInstance = [number, number, (string | null)?];

/**
 * A run snapshot small enough for one Temporal payload however many tasks the run has: the
 * task list as arrays of indexes and time offsets, about a third of its plain JSON. Runs of
 * many thousand tasks answer queries and close with this form; `unpackRunSnapshot` restores
 * the plain one exactly.
 */
export interface PackedRunSnapshot extends Omit<RunSnapshot, 'tasks'> {
  packedSnapshotVersion: 1;
  /** Epoch milliseconds every task time is an offset from. */
  timeBase: number;
  tasks: PackedTaskState[];
}

/** Above this many tasks and mapped instances, a snapshot leaves the run packed. */
export const PACK_SNAPSHOT_ABOVE_ENTRIES = 5_000;

export function isPackedRunSnapshot(value: unknown): value is PackedRunSnapshot {
  return typeof value === 'object' && value !== null && (value as { packedSnapshotVersion?: unknown }).packedSnapshotVersion === 1;
}

/** How many entries a snapshot holds: its tasks and every mapped instance. */
export function snapshotEntries(tasks: readonly TaskRunState[]): number {
  let entries = tasks.length;
  for (const task of tasks) entries += task.instances?.length ?? 0;
  return entries;
}

export function packRunSnapshot(snapshot: RunSnapshot): PackedRunSnapshot {
  const { tasks, ...header } = snapshot;
  const timeBase = Date.parse(snapshot.startedAt) || 0;
  const offset = (iso: string | null) => (iso === null ? null : Date.parse(iso) - timeBase);
  const packed = tasks.map((task): PackedTaskState => {
    const entry: PackedTaskState = [task.id, KINDS.indexOf(task.kind), stateIndex(task.state), task.attempts, offset(task.startedAt), offset(task.endedAt), task.error, task.reason ?? null];
    if (task.instances) entry.push(task.instances.map(packInstance));
    while (entry.length > 4 && (entry[entry.length - 1] ?? null) === null) entry.pop();
    return entry;
  });
  return { packedSnapshotVersion: 1, ...header, timeBase, tasks: packed };
}

export function unpackRunSnapshot(packed: PackedRunSnapshot): RunSnapshot {
  const { packedSnapshotVersion: _version, timeBase, tasks, ...header } = packed;
  const time = (offset: number | null | undefined) => (offset === null || offset === undefined ? null : new Date(timeBase + offset).toISOString());
  return {
    ...header,
    tasks: tasks.map(([id, kind, state, attempts, startedAt, endedAt, error, reason, instances]): TaskRunState => ({
      id,
      kind: KINDS[kind] ?? 'task',
      state: TASK_STATES[state] ?? 'pending',
      attempts,
      startedAt: time(startedAt),
      endedAt: time(endedAt),
      error: error ?? null,
      ...(reason !== undefined && reason !== null ? { reason } : {}),
      ...(instances ? { instances: instances.map(unpackInstance) } : {}),
    })),
  };
}

/** The plain snapshot, whichever form the run sent. */
export function plainRunSnapshot(snapshot: RunSnapshot | PackedRunSnapshot): RunSnapshot {
  return isPackedRunSnapshot(snapshot) ? unpackRunSnapshot(snapshot) : snapshot;
}

function stateIndex(state: TaskState): number {
  return TASK_STATES.indexOf(state);
}

function packInstance(instance: MapInstanceState): PackedInstance {
  return instance.error === null ? [stateIndex(instance.state), instance.attempts] : [stateIndex(instance.state), instance.attempts, instance.error];
}

function unpackInstance([state, attempts, error]: PackedInstance, index: number): MapInstanceState {
  return { index, state: TASK_STATES[state] ?? 'pending', attempts, error: error ?? null };
}

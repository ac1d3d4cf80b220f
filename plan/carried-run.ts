import { packPlan, unpackPlan } from './packed-plan.ts';
import { packRunSnapshot, unpackRunSnapshot, type PackedTaskState } from './packed-snapshot.ts';
import type { PackedPlan, Plan, RunInfo, RunSnapshot } from './types.ts';

/**
 * What one execution of a run hands the next when it continues as new: the pinned plan, the
 * validated params and every task's state and output, packed. It is the new execution's input,
 * so it is recorded in that history and replays from it; it must fit one Temporal payload.
 */
export interface CarriedRun {
  carriedRunVersion: 1;
  packedPlan: PackedPlan;
  params: Record<string, unknown>;
  run: RunInfo;
  startedAt: string;
  /** Epoch milliseconds the task times are offsets from. */
  timeBase: number;
  tasks: PackedTaskState[];
  /** Outputs of the tasks that succeeded: [index in the plan, output]. */
  outputs: [number, unknown][];
  branchChoices: Record<string, string[]>;
  /** Executions of this run before the one this starts. */
  continuations: number;
  /** The history budget of every execution of the run. */
  maxHistoryEvents: number;
}

/** Temporal refuses payloads over 2 MB; the carried run keeps room for the rest of the input. */
export const MAX_CARRIED_RUN_BYTES = 1800 * 1024;

export interface RunToCarry {
  plan: Plan;
  snapshot: RunSnapshot;
  outputs: ReadonlyMap<string, unknown>;
  branchChoices: Record<string, string[]>;
  run: RunInfo;
  continuations: number;
  maxHistoryEvents: number;
}

export function carryRun(from: RunToCarry): CarriedRun {
  const packed = packRunSnapshot(from.snapshot);
  const outputs: [number, unknown][] = [];
  from.plan.tasks.forEach((task, index) => {
    if (from.outputs.has(task.id)) outputs.push([index, from.outputs.get(task.id) ?? null]);
  });
  return {
    carriedRunVersion: 1,
    packedPlan: packPlan(from.plan),
    params: from.snapshot.params,
    run: from.run,
    startedAt: from.snapshot.startedAt,
    timeBase: packed.timeBase,
    tasks: packed.tasks,
    outputs,
    branchChoices: from.branchChoices,
    continuations: from.continuations,
    maxHistoryEvents: from.maxHistoryEvents,
  };
}

export interface CarriedRunContents {
  plan: Plan;
  snapshot: RunSnapshot;
  outputs: Map<string, unknown>;
}

export function uncarryRun(carried: CarriedRun): CarriedRunContents {
  const plan = unpackPlan(carried.packedPlan);
  const snapshot = unpackRunSnapshot({
    packedSnapshotVersion: 1,
    runId: carried.run.runId,
    dagId: carried.run.dagId,
    runType: carried.run.runType,
    status: 'running',
    logicalDate: carried.run.logicalDate,
    startedAt: carried.startedAt,
    endedAt: null,
    params: carried.params,
    timeBase: carried.timeBase,
    tasks: carried.tasks,
  });
  const outputs = new Map<string, unknown>();
  for (const [index, output] of carried.outputs) {
    const task = plan.tasks[index];
    if (task) outputs.set(task.id, output);
  }
  return { plan, snapshot, outputs };
}

/**
 * What a run of `plan` would carry between executions with every task finished and no
 * outputs: its packed plan, and per task its id and about 48 bytes of state and times. A plan
 * over `MAX_CARRIED_RUN_BYTES` by this measure cannot continue as new, so it is refused at start.
 */
export function carriedRunFloorBytes(plan: Plan, packedPlanBytes: number): number {
  let bytes = packedPlanBytes;
  for (const task of plan.tasks) bytes += utf8Bytes(task.id) + 48;
  return bytes;
}

/** UTF-8 bytes of a string, without TextEncoder (the workflow sandbox may lack it). */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

import type { CarriedRun } from './carried-run.ts';
import type { PackedTaskState } from './packed-snapshot.ts';
import type { PackedTask } from './types.ts';

/*
 * A carried run rewritten so that deflate finds more repeats, and back. Numbers that grow with
 * the task's position become small and alike: a task's upstream indexes count back from the
 * task itself, a start time is the gap since the previous task's start and an end time the
 * task's duration, an output's task index the step from the previous one. A task state whose id
 * is the plan's task id at the same position gives it as 0: the plan already holds it.
 */

export function slimCarriedRun(carried: CarriedRun): CarriedRun {
  const planTasks = carried.packedPlan.tasks;
  const tasks = planTasks.map((task, index): PackedTask => {
    const entry = [...task] as PackedTask;
    entry[1] = task[1].map((need) => index - need);
    return entry;
  });
  let previousStart = 0;
  const states = carried.tasks.map((state, index): PackedTaskState => {
    const entry = [...state] as unknown as (string | number | null | undefined | unknown[])[];
    if (state[0] === planTasks[index]?.[0]) entry[0] = 0;
    const [start, end] = [state[4], state[5]];
    if (typeof start === 'number') {
      entry[4] = start - previousStart;
      previousStart = start;
      if (typeof end === 'number') entry[5] = end - start;
    }
    return entry as unknown as PackedTaskState;
  });
  let previousOutput = 0;
  const outputs = carried.outputs.map(([index, output]): [number, unknown] => {
    const step = index - previousOutput;
    previousOutput = index;
    return [step, output];
  });
  return { ...carried, packedPlan: { ...carried.packedPlan, tasks }, tasks: states, outputs };
}

export function fattenCarriedRun(slim: CarriedRun): CarriedRun {
  const tasks = slim.packedPlan.tasks.map((task, index): PackedTask => {
    const entry = [...task] as PackedTask;
    entry[1] = task[1].map((back) => index - back);
    return entry;
  });
  let previousStart = 0;
  const states = slim.tasks.map((state, index): PackedTaskState => {
    const entry = [...state] as unknown as (string | number | null | undefined | unknown[])[];
    if ((state[0] as string | number) === 0) entry[0] = tasks[index]?.[0] ?? `#${index}`;
    const [gap, duration] = [state[4], state[5]];
    if (typeof gap === 'number') {
      const start = previousStart + gap;
      entry[4] = start;
      previousStart = start;
      if (typeof duration === 'number') entry[5] = start + duration;
    }
    return entry as unknown as PackedTaskState;
  });
  let previousOutput = 0;
  const outputs = slim.outputs.map(([step, output]): [number, unknown] => {
    previousOutput += step;
    return [previousOutput, output];
  });
  return { ...slim, packedPlan: { ...slim.packedPlan, tasks }, tasks: states, outputs };
}

import type { PackedExtras, PackedPlan, PackedTask, Plan, PlanTask, PlanTaskOptions } from './types.ts';

/** Packs a plan for history; see `PackedPlan`. */
export function packPlan(plan: Plan): PackedPlan {
  const { tasks, ...rest } = plan;
  const indexOfTask = new Map(tasks.map((task, index) => [task.id, index]));
  const optionIndex = new Map<string, number>();
  const options: PlanTaskOptions[] = [];
  const packed = tasks.map((task): PackedTask => {
    const key = JSON.stringify(task.options);
    let index = optionIndex.get(key);
    if (index === undefined) {
      index = options.push(task.options) - 1;
      optionIndex.set(key, index);
    }
    const extras: PackedExtras = {};
    if (task.mapOver !== undefined) extras.mapOver = task.mapOver;
    if (task.mapBatchSize !== undefined) extras.mapBatchSize = task.mapBatchSize;
    if (task.approvalTimeoutMs !== undefined) extras.approvalTimeoutMs = task.approvalTimeoutMs;
    const entry: PackedTask = [task.id, task.needs.map((id) => indexOfTask.get(id) ?? -1), index];
    const hasExtras = Object.keys(extras).length > 0;
    if (task.kind !== 'task' || task.triggerRule !== 'all_success' || hasExtras) entry.push(task.kind === 'task' ? 0 : task.kind);
    if (task.triggerRule !== 'all_success' || hasExtras) entry.push(task.triggerRule === 'all_success' ? 0 : task.triggerRule);
    if (hasExtras) entry.push(extras);
    return entry;
  });
  return { packedPlanVersion: 1, plan: rest, options, tasks: packed };
}

export function unpackPlan(packed: PackedPlan): Plan {
  const ids = packed.tasks.map(([id]) => id);
  const tasks = packed.tasks.map(([id, needs, optionIndex, kind, rule, extras]): PlanTask => {
    const options = packed.options[optionIndex];
    if (!options) throw new Error(`packed plan: task ${id} refers to missing options #${optionIndex}`);
    return {
      id,
      kind: kind || 'task',
      needs: needs.map((index) => ids[index] ?? `#${index}`),
      triggerRule: rule || 'all_success',
      options: { ...options },
      ...extras,
    };
  });
  return { ...packed.plan, tasks };
}

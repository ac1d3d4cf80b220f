import type { TaskContext } from '../../sdk/context.ts';

/**
 * One key per task of a run: every attempt of the task shares it, so a retried attempt finds
 * what an earlier attempt committed instead of doing it twice.
 */
export function taskIdempotencyKey(ctx: Pick<TaskContext, 'run' | 'taskId'>): string {
  return `${ctx.run.runId}:${ctx.taskId}`;
}

export type Resolve<P, U, T> = T | ((ctx: TaskContext<P, U>) => T | Promise<T>);

export async function resolveOption<P, U, T>(value: Resolve<P, U, T>, ctx: TaskContext<P, U>): Promise<T> {
  return typeof value === 'function' ? (value as (ctx: TaskContext<P, U>) => T | Promise<T>)(ctx) : value;
}

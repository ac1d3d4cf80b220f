import { dag, type Dag } from 'weir';

/**
 * Ten quick tasks shaped like a small pipeline: one source, eight parallel steps, one join.
 * An overloaded server can drop an activity completion; the short timeout and the retries make
 * the run redo that task within a minute instead of the default hour.
 */
let tenTasks: Dag<Record<string, unknown>, Record<string, unknown>> = dag({ id: 'ten_tasks', defaults: { timeout: '1m', retries: 3, retryDelay: '1s' } }).task('extract', async () => ({ rows: 8 }));
const steps: string[] = [];
for (let i = 0; i < 8; i++) {
  const id = `step_${i}`;
  steps.push(id);
  tenTasks = tenTasks.task(id, { needs: ['extract'] }, async (ctx) => (ctx.outputs.extract as { rows: number }).rows + i);
}
tenTasks = tenTasks.task('report', { needs: steps }, async (ctx) => Object.values(ctx.outputs).reduce<number>((sum, value) => sum + (value as number), 0));

export default tenTasks;

import type { Command } from 'commander';
import { renderTaskTestEvents } from '../dag-test-view.ts';
import { printJson } from '../format.ts';
import { collectParamPair, mergeParams, parseIsoDate, parseJsonObject, parseParamsJson } from '../parse-options.ts';
import type { ContextFor } from '../program.ts';
import { optionalDatabaseUrl } from '../optional-database.ts';

interface TasksTestOptions {
  param: [string, unknown][];
  paramsJson?: Record<string, unknown>;
  upstreamJson?: Record<string, unknown>;
  logicalDate?: Date;
  json?: boolean;
}

/** `--upstream-json '{"extract": {"rows": 1200}}'`: upstream outputs by task id. */
export function parseUpstreamJson(text: string): Record<string, unknown> {
  return parseJsonObject(text, 'of upstream task id to output, such as {"extract": {"rows": 1200}}');
}

export function registerTasksCommands(program: Command, contextFor: ContextFor): void {
  const tasks = program.command('tasks').description('run single tasks');
  tasks
    .command('test')
    .description('run one task body in this process with the given upstream outputs; no Temporal needed')
    .argument('<dag>', 'DAG id')
    .argument('<task>', 'task id')
    .option('--upstream-json <json>', 'outputs of the upstream tasks by task id, as ctx.outputs gives them', parseUpstreamJson)
    .option('--param <key=value>', 'one param; the value is read as JSON if it parses, else as a string (repeatable)', collectParamPair, [])
    .option('--params-json <json>', 'params as a JSON object; --param values override it', parseParamsJson)
    .option('--logical-date <iso>', 'logical date the task sees (default: now)', parseIsoDate)
    .option('--json', 'print { taskId, output, events, logs } as JSON')
    .action(async (dagId: string, taskId: string, options: TasksTestOptions, command: Command) => {
      // The task runner (and the operators and services it builds) loads only when a task runs.
      const [{ testTask }, { missingUpstreamOutputs }] = await Promise.all([import('../../testing/index.ts'), import('../../testing/run-task.ts')]);
      const context = contextFor(command);
      const { dag } = await context.importDag(dagId);
      const missing = missingUpstreamOutputs(dag, taskId, options.upstreamJson ?? {});
      if (missing.length > 0) context.io.err(`note: no output given for upstream task(s) ${missing.join(', ')}; pass them with --upstream-json '{"${missing[0] ?? ''}": ...}'`);
      const databaseUrl = optionalDatabaseUrl(context);
      const result = await testTask(dag, taskId, {
        params: mergeParams(options.paramsJson, options.param),
        outputs: options.upstreamJson ?? {},
        ...(databaseUrl ? { databaseUrl } : {}),
        ...(options.logicalDate ? { logicalDate: options.logicalDate } : {}),
        ...(options.json ? {} : { onLog: (line) => context.io.err(`${dagId}.${taskId} ${line.level} ${line.message}${line.attrs ? ` ${JSON.stringify(line.attrs)}` : ''}`) }),
      });
      if (options.json) return printJson(context.io.out, result);
      for (const line of renderTaskTestEvents(result)) context.io.err(line);
      context.io.out(JSON.stringify(result.output, null, 2));
    });
}

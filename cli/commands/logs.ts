import { InvalidArgumentError, type Command } from 'commander';
import { followRunLogs, readRunLogs, type RunLogQuery } from '../../control/task-logs.ts';
import { attemptLabel, type StoredTaskLogLine } from '../../logs/index.ts';
import { formatAttrs } from '../../logs/terminal-line.ts';
import type { ContextFor } from '../program.ts';

function parseAttempt(text: string): number {
  const attempt = Number(text);
  if (!Number.isInteger(attempt) || attempt < 1) throw new InvalidArgumentError(`"${text}" is not an attempt number (1, 2, ...)`);
  return attempt;
}

/** `2026-11-30T04:01:02.123Z train#1 info message key=value`; the DAG is the run's, so it is left out. */
function formatLogLine(line: StoredTaskLogLine): string {
  const label = attemptLabel({ dagId: '', taskId: line.taskId, mapIndex: line.mapIndex, attempt: line.attempt }).slice(1);
  return `${line.at} ${label} ${line.level.padEnd(5)} ${line.message}${formatAttrs(line.attrs)}`;
}

function toJson(line: StoredTaskLogLine) {
  return { at: line.at, taskId: line.taskId, mapIndex: line.mapIndex, attempt: line.attempt, level: line.level, message: line.message, ...(line.attrs ? { attrs: line.attrs } : {}) };
}

export function registerLogsCommand(program: Command, contextFor: ContextFor): void {
  program
    .command('logs')
    .description("a run's task logs: what tasks wrote with ctx.log and what their jobs printed")
    .argument('<runId>', 'run id')
    .argument('[taskId]', 'only this task')
    .option('--attempt <n>', 'only this attempt', parseAttempt)
    .option('--follow', "keep printing new lines until the run's tasks finish")
    .option('--json', 'print one JSON object per line: { at, taskId, mapIndex, attempt, level, message, attrs? }')
    .action(async (runId: string, taskId: string | undefined, options: { attempt?: number; follow?: boolean; json?: boolean }, command: Command) => {
      const context = contextFor(command);
      const query: RunLogQuery = { runId, ...(taskId ? { taskId } : {}), ...(options.attempt ? { attempt: options.attempt } : {}) };
      const print = (line: StoredTaskLogLine) => context.io.out(options.json ? JSON.stringify(toJson(line)) : formatLogLine(line));
      if (options.follow) {
        for await (const line of followRunLogs(await context.database(), await context.client(), query)) print(line);
        return;
      }
      const lines = await readRunLogs(await context.database(), query);
      if (lines.length === 0 && !options.json) context.io.err(`no log lines for run ${runId}${taskId ? ` task ${taskId}` : ''}${options.attempt ? ` attempt ${options.attempt}` : ''}`);
      for (const line of lines) print(line);
    });
}

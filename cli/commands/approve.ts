import type { Command } from 'commander';
import { decideApproval } from '../../control/runs.ts';
import type { ContextFor } from '../program.ts';

export function registerApproveCommand(program: Command, contextFor: ContextFor): void {
  program
    .command('approve')
    .description('approve (or with --reject, reject) an approval task that waits for a decision')
    .argument('<runId>', 'run id')
    .argument('<taskId>', 'the approval task')
    .option('--reject', 'reject instead of approving')
    .option('--comment <text>', 'a note kept with the decision')
    .action(async (runId: string, taskId: string, options: { reject?: boolean; comment?: string }, command: Command) => {
      const context = contextFor(command);
      const approved = options.reject !== true;
      await decideApproval(await context.client(), runId, {
        taskId,
        approved,
        actor: context.actor,
        ...(options.comment !== undefined ? { comment: options.comment } : {}),
      });
      context.io.out(`${approved ? 'approved' : 'rejected'} task ${taskId} of run ${runId} as ${context.actor}`);
    });
}
